package io.wabridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.gateway.LocalIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./wabridge} commands:
 * <pre>
 *   local [--port 8080] [--host 127.0.0.1] [--sandbox-port 8081 | --meta-url URL] [--data .wabridge] [--template template.yaml]   start the local runtime
 *   token --tenant T [--plan P] [--data .wabridge] [--ttl-minutes 60]  print a JWT the local gateway accepts
 *   fire NAME [--data .wabridge]                                       fire a schedule by hand
 *   invoke FunctionId ['{json}'] [--data .wabridge]                    invoke a function with a JSON event
 * </pre>
 */
public final class Main {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage();
            return;
        }
        Map<String, String> flags = flags(args);
        Path data = Path.of(flags.getOrDefault("data", ".wabridge"));
        switch (args[0]) {
            case "local" -> local(flags, data);
            case "token" -> token(flags, data);
            case "fire" -> fire(args.length > 1 ? args[1] : null, data);
            case "route" -> route(flags, data);
            case "invoke" -> invoke(args.length > 1 ? args[1] : null, args.length > 2 && !args[2].startsWith("--") ? args[2] : "{}", data);
            default -> {
                System.err.println("unknown command: " + args[0]);
                usage();
                System.exit(2);
            }
        }
    }

    private static void local(Map<String, String> flags, Path data) throws Exception {
        int port = Integer.parseInt(flags.getOrDefault("port", "8080"));
        Path template = Path.of(flags.getOrDefault("template", "template.yaml"));
        if (!Files.exists(template)) {
            fail("no " + template + " here; run ./wabridge from the repository root or pass --template");
        }
        Path openApi = template.toAbsolutePath().resolveSibling("openapi.yaml");
        int sandboxPort = Integer.parseInt(flags.getOrDefault("sandbox-port", Integer.toString(port + 1)));
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        if (flags.containsKey("signup-mode")) {
            parameters.put("SignupMode", flags.get("signup-mode"));
        }
        LocalRuntime.Options options = new LocalRuntime.Options(port, data, template, openApi, sandboxPort, flags.get("events-url"),
                parameters);
        if (flags.containsKey("host")) {
            // Only on request: the gateway serves /webhook and the JWT API, nothing of the runtime's own.
            options = options.withGatewayHost(flags.get("host"));
        }
        if (flags.containsKey("meta-url")) {
            // A sandbox already running elsewhere (e.g. in a test that restarts this process) instead of one of our own.
            options = options.withMetaUrl(URI.create(flags.get("meta-url")));
        }
        LocalRuntime runtime = LocalRuntime.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping WaBridge local runtime...");
            runtime.close();
            stopped.countDown();
        }));
        Map<String, Object> c = runtime.localConfig();
        System.out.printf("""

                WaBridge local runtime is up (started in %d ms)
                  gateway        %s
                  admin          %s   (status, schedules, routes, Lambda Invoke API; loopback only)
                  webhook        %s   (Meta callback; verify token in %s)
                  OpenAPI        %s
                  Meta sandbox   %s   (Graph API %s)
                  routes         %s
                  queues         %s
                  DynamoDB       %s
                  config         %s
                Get a token:  ./wabridge token --tenant acme
                Press Ctrl-C to stop.
                %n""", runtime.startupMillis(), c.get("gateway"), c.get("admin"), c.get("webhookUrl"), data.resolve("local.json"),
                c.get("openApi"), ((Map<?, ?>) c.get("metaSandbox")).get("control"), ((Map<?, ?>) c.get("metaSandbox")).get("graph"),
                c.get("routes"), ((Map<?, ?>) c.get("queues")).keySet(),
                ((Map<?, ?>) c.get("aws")).get("dynamodb"), data.resolve("local.json"));
        stopped.await();
    }

    private static void token(Map<String, String> flags, Path data) throws Exception {
        String tenant = flags.get("tenant");
        if (tenant == null || tenant.isBlank()) {
            fail("usage: ./wabridge token --tenant T");
        }
        JsonNode config = readConfig(data);
        LocalIdentity identity = LocalIdentity.loadOrCreate(data.resolve("jwt-signing-key.json"));
        JsonNode jwt = config.path("jwt");
        long minutes = Long.parseLong(flags.getOrDefault("ttl-minutes", "60"));
        Map<String, String> plan = flags.containsKey("plan") ? Map.of(jwt.path("planClaim").asText("plan"), flags.get("plan")) : Map.of();
        System.out.println(identity.mint(jwt.path("issuer").asText(), jwt.path("audience").asText(),
                jwt.path("tenantClaim").asText(), tenant, Duration.ofMinutes(minutes), plan));
    }

    private static void fire(String name, Path data) throws Exception {
        if (name == null) {
            fail("usage: ./wabridge fire FunctionId.EventName");
        }
        JsonNode config = readConfig(data);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(config.path("admin").asText() + "/.local/schedules/" + name))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body());
        if (response.statusCode() != 200) {
            System.exit(1);
        }
    }

    private static void route(Map<String, String> flags, Path data) throws Exception {
        if (flags.get("tenant") == null || flags.get("waba") == null || flags.get("number") == null) {
            fail("usage: ./wabridge route --tenant T --waba WABA_ID --number PHONE_NUMBER_ID");
        }
        JsonNode config = readConfig(data);
        String body = JSON.writeValueAsString(Map.of("tenant", flags.get("tenant"), "wabaId", flags.get("waba"),
                "phoneNumberId", flags.get("number")));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(config.path("admin").asText() + "/.local/routes"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body());
        if (response.statusCode() != 200) {
            System.exit(1);
        }
    }

    private static void invoke(String function, String payload, Path data) throws Exception {
        if (function == null) {
            fail("usage: ./wabridge invoke FunctionId ['{json}']");
        }
        JsonNode config = readConfig(data);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(config.path("admin").asText() + "/2015-03-31/functions/" + function + "/invocations"))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body());
        if (response.statusCode() != 200 || JSON.readTree(response.body()).has("errorType")) {
            System.exit(1);
        }
    }

    private static JsonNode readConfig(Path data) throws Exception {
        Path file = data.resolve("local.json");
        if (!Files.exists(file)) {
            fail("no " + file + ": start the runtime first with ./wabridge local");
        }
        return JSON.readTree(file.toFile());
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String name = args[i].substring(2);
                if (name.contains("=")) {
                    flags.put(name.substring(0, name.indexOf('=')), name.substring(name.indexOf('=') + 1));
                } else if (i + 1 < args.length) {
                    flags.put(name, args[++i]);
                } else {
                    fail("flag --" + name + " needs a value");
                }
            }
        }
        return flags;
    }

    private static void usage() {
        System.out.println("""
                usage: ./wabridge <command>
                  local [--port 8080] [--host 127.0.0.1] [--sandbox-port 8081 | --meta-url URL] [--data .wabridge]
                        [--events-url URL] [--signup-mode tech_provider|solution_partner]              start the local runtime
                  token --tenant T [--plan P] [--ttl-minutes 60] [--data .wabridge]  print a JWT for tenant T (on plan P)
                  fire FunctionId.EventName [--data .wabridge]                       fire a schedule by hand
                  invoke FunctionId ['{json}'] [--data .wabridge]                    invoke a function (Lambda Invoke API)
                  route --tenant T --waba WABA_ID --number PHONE_NUMBER_ID            give a number to a tenant (until signup does)
                """);
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
