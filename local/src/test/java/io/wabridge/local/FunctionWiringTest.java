package io.wabridge.local;

import static io.wabridge.local.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.local.template.SamTemplate;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every function in template.yaml can start on Lambda as the template describes it: its handler class is in
 * the module whose jar {@code CodeUri} names, with a public no-arg constructor and the handler method, and
 * every variable its code requires through {@code AppConfig} while it starts is set on that function (Globals
 * or its own Environment) or by Lambda itself. The local runtime builds each handler from the template's
 * resolved environment, as a cold start does, and {@code AppConfig} records what was required; a short run
 * (a signup, an inbound message, a reply, both schedules) adds what is read only while handling events.
 */
@EndToEnd(ownRuntime = true) // fires the health schedule, which would check other classes' channels
class FunctionWiringTest {

    /** Set by Lambda in every function's environment (the reserved variables). */
    static final Set<String> SET_BY_LAMBDA = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
    static final Pattern CODE_URI = Pattern.compile("functions/([a-z]+)/target/wabridge-function-\\1-lambda\\.jar");

    static LocalRuntime runtime;
    static SamTemplate template;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        template = SamTemplate.load(Path.of("../template.yaml"));
        runtime = own;
        SignupEndToEndTest.runtime = runtime;
        SignupEndToEndTest.meta = runtime.sandbox();
        var c = SendEndToEndTest.connectFor(runtime.sandbox(), "wiring", "Wiring Shop", "6281100009101");
        String wamid = runtime.sandbox().userSendsText("6281234519101", c.phoneNumberId(), "hello");
        Http.eventually(java.time.Duration.ofSeconds(20), () -> status("GET", "/v1/messages/" + wamid, null) == 200);
        status("POST", "/v1/messages", Map.of("channel", c.phoneNumberId(), "to", "6281234519101", "type", "text",
                "text", Map.of("body", "hi")));
        runtime.scheduler().fire("NotificationsFunction.EveryMinute");
        runtime.scheduler().fire("ChannelHealthFunction.HealthSchedule");
    }

    static int status(String method, String path, Object body) {
        try {
            return SignupEndToEndTest.call(method, path, "wiring", body).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        SignupEndToEndTest.meta = null;
    }

    @Test
    void everyHandlerIsInTheModuleItsCodeUriNamesWithTheConstructorAndMethodLambdaCalls() throws Exception {
        assertThat(template.resourcesOfType("AWS::Serverless::Function")).isNotEmpty();
        for (var function : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            String id = function.getKey();
            Matcher uri = CODE_URI.matcher(String.valueOf(function.getValue().get("CodeUri")));
            assertThat(uri.matches()).as("%s CodeUri %s is a function module's shaded jar", id, function.getValue().get("CodeUri")).isTrue();
            String[] handler = String.valueOf(function.getValue().get("Handler")).split("::", 2);
            assertThat(handler).as("%s Handler is class::method", id).hasSize(2);
            Path classFile = Path.of("../functions", uri.group(1), "target/classes", handler[0].replace('.', '/') + ".class");
            assertThat(classFile).as("%s handler class in module functions/%s", id, uri.group(1)).exists();

            Class<?> type = Class.forName(handler[0]);
            assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).as("%s public no-arg constructor", id).isTrue();
            Method[] methods = Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(handler[1]) && !m.isBridge()
                    && m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class).toArray(Method[]::new);
            assertThat(methods).as("%s has public %s(input, Context)", id, handler[1]).hasSize(1);
        }
    }

    @Test
    void everyVariableAFunctionRequiresAtStartOrWhileHandlingEventsIsSetOnItInTheTemplate() {
        Map<String, Set<String>> required = new java.util.TreeMap<>();
        template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(id ->
                required.put(id, new TreeSet<>(runtime.function(id).config().requiredVariables())));
        System.out.println("variables required (cold start and a short run): " + required);
        required.forEach((id, names) -> assertThat(names).as("%s records what it requires", id).contains("AWS_REGION"));
        assertThat(undeclared(template)).isEmpty();
    }

    @Test
    void aVariableMissingFromTheTemplateIsFound() throws Exception {
        String text = Files.readString(Path.of("../template.yaml"));
        String line = "          INBOUND_QUEUE_URL: !GetAtt InboundQueue.QueueUrl\n";
        assertThat(text).contains(line);
        SamTemplate without = SamTemplate.parse(new StringReader(text.replace(line, "")));

        assertThat(undeclared(without)).containsEntry("WebhookFunction", Set.of("INBOUND_QUEUE_URL"));
    }

    /** Per function, the variables its code required that the given template does not set on it. */
    static Map<String, Set<String>> undeclared(SamTemplate template) {
        Map<String, Set<String>> missing = new java.util.TreeMap<>();
        Set<String> globals = map(map(template.globalsFunction().get("Environment")).get("Variables")).keySet();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, props) -> {
            Set<String> names = new TreeSet<>(runtime.function(id).config().requiredVariables());
            names.removeAll(SET_BY_LAMBDA);
            names.removeAll(globals);
            names.removeAll(map(map(props.get("Environment")).get("Variables")).keySet());
            if (!names.isEmpty()) {
                missing.put(id, names);
            }
        });
        return missing;
    }
}
