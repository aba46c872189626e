package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.local.template.SamTemplate;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** template.yaml, openapi.yaml and the code stay in step. */
class ContractTest {

    private final SamTemplate template = SamTemplate.load(Path.of("../template.yaml"));

    @Test
    void everyRouteInTheTemplateIsInTheOpenApiFileAndBack() throws Exception {
        Set<String> templateRoutes = new TreeSet<>();
        template.functionEvents("HttpApi").forEach(e -> templateRoutes.add(
                e.properties().get("Method").toString().toUpperCase() + " " + e.properties().get("Path")));
        Set<String> openApiRoutes = new TreeSet<>();
        Map<String, Object> openApi = new Yaml().load(java.nio.file.Files.readString(Path.of("../openapi.yaml")));
        SamTemplate.map(openApi.get("paths")).forEach((path, ops) ->
                SamTemplate.map(ops).keySet().forEach(method -> openApiRoutes.add(method.toUpperCase() + " " + path)));
        assertThat(openApiRoutes).isEqualTo(templateRoutes);
    }

    @Test
    void everyFunctionsHandlerClassExistsAndRunsLocally() throws Exception {
        for (var e : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            String handler = e.getValue().get("Handler").toString();
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertThat(type.getConstructor()).as(e.getKey() + " needs the no-arg constructor Lambda uses").isNotNull();
            assertThat(type.getConstructor(io.wabridge.adapters.config.Components.class)).as(e.getKey()).isNotNull();
            assertThat(e.getValue().get("CodeUri").toString()).as(e.getKey() + " CodeUri")
                    .matches("functions/[a-z]+/target/wabridge-function-[a-z]+-lambda\\.jar");
        }
    }

    @Test
    void functionEnvironmentsCarryNamesAndArnsNotSecrets() {
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, props) ->
                SamTemplate.map(SamTemplate.map(props.get("Environment")).get("Variables")).forEach((name, value) ->
                        assertThat(name).as(id).doesNotContain("SECRET_VALUE").doesNotEndWith("_TOKEN").doesNotEndWith("_SECRET")));
    }

    /**
     * Every refusal code the functions answer with (a literal code beside a 4xx/5xx status in an error body or a
     * rejection) is named in the description of an error response in openapi.yaml.
     */
    @Test
    void everyRefusalCodeTheApiAnswersIsDocumentedAsAnErrorResponse() throws Exception {
        java.util.regex.Pattern refusal = java.util.regex.Pattern.compile("\\(\\s*([45][0-9]{2}|(?:Refusal\\.)?Kind\\.[A-Z_]+),\\s*\"([a-z][a-z_]+)\"");
        Set<String> codes = new TreeSet<>();
        for (String root : java.util.List.of("../functions", "../core/src/main/java", "../adapters/src/main/java")) {
            try (var files = java.nio.file.Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("src/main/java")).toList()) {
                    var m = refusal.matcher(java.nio.file.Files.readString(f));
                    while (m.find()) {
                        codes.add(m.group(2));
                    }
                }
            }
        }
        assertThat(codes).contains("no_consent", "outside_window", "channel_unknown");
        StringBuilder documented = new StringBuilder();
        Map<String, Object> openApi = new Yaml().load(java.nio.file.Files.readString(Path.of("../openapi.yaml")));
        SamTemplate.map(openApi.get("paths")).forEach((path, ops) -> SamTemplate.map(ops).forEach((method, op) -> {
            Object responses = op instanceof Map<?, ?> o ? o.get("responses") : null;
            if (responses != null) {
                SamTemplate.map(responses).forEach((status, response) -> {
                    if (String.valueOf(status).matches("[45][0-9]{2}") && response instanceof Map<?, ?> r && r.get("description") != null) {
                        documented.append(' ').append(r.get("description"));
                    }
                });
            }
        }));
        SamTemplate.map(SamTemplate.map(openApi.get("components")).get("responses")).forEach((name, response) -> {
            if (response instanceof Map<?, ?> r && r.get("description") != null) {
                documented.append(' ').append(r.get("description"));
            }
        });
        java.util.List<String> missing = codes.stream()
                .filter(code -> !java.util.regex.Pattern.compile("\\b" + code + "\\b").matcher(documented).find()).toList();
        assertThat(missing).as("codes answered but not documented as an error response in openapi.yaml").isEmpty();
    }
}
