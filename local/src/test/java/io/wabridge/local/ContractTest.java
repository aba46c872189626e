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
            assertThat(type.getConstructor(io.wabridge.adapters.config.Wiring.class)).as(e.getKey()).isNotNull();
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
}
