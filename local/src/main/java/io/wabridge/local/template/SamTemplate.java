package io.wabridge.local.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code template.yaml} as plain maps, with CloudFormation's short-form tags ({@code !Ref},
 * {@code !GetAtt}, {@code !Sub}, ...) turned into their long form ({@code {Ref: x}},
 * {@code {Fn::GetAtt: [r, a]}}, ...). The local runtime builds everything it serves from this, so it
 * cannot drift from what is deployed.
 */
public final class SamTemplate {

    /** One function's event of a given type, e.g. an {@code HttpApi} or {@code SQS} event. */
    public record FunctionEvent(String functionId, String eventName, String type, Map<String, Object> properties) {}

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static SamTemplate parse(Reader reader) {
        Object loaded = new Yaml(new CloudFormationConstructor()).load(reader);
        if (!(loaded instanceof Map)) {
            throw new IllegalArgumentException("template is not a YAML mapping");
        }
        return new SamTemplate((Map<String, Object>) loaded);
    }

    public Map<String, Object> parameters() {
        return map(root.get("Parameters"));
    }

    public Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    public Map<String, Object> outputs() {
        return map(root.get("Outputs"));
    }

    public Map<String, Object> globalsFunction() {
        return map(map(root.get("Globals")).get("Function"));
    }

    /** Logical id to properties, for every resource of {@code type}, in template order. */
    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if (type.equals(map(r).get("Type"))) {
                out.put(id, map(map(r).get("Properties")));
            }
        });
        return out;
    }

    public Optional<String> typeOf(String logicalId) {
        return Optional.ofNullable(map(resources().get(logicalId)).get("Type")).map(Object::toString);
    }

    /** Every event of the given types on every {@code AWS::Serverless::Function}. */
    public List<FunctionEvent> functionEvents(String... types) {
        List<FunctionEvent> out = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, props) ->
                map(props.get("Events")).forEach((name, ev) -> {
                    String type = String.valueOf(map(ev).get("Type"));
                    if (List.of(types).contains(type)) {
                        out.add(new FunctionEvent(id, name, type, map(map(ev).get("Properties"))));
                    }
                }));
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** SnakeYAML constructor that understands CloudFormation's short-form intrinsic tags. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of("Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And",
                    "Or", "FindInMap", "Base64", "GetAZs", "ImportValue", "Condition", "Cidr", "Length", "ToJsonString")) {
                String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                this.yamlConstructors.put(new Tag("!" + fn), new IntrinsicConstruct(longName));
            }
        }

        private final class IntrinsicConstruct extends AbstractConstruct {
            private final String name;

            IntrinsicConstruct(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = scalar.getValue();
                    value = name.equals("Fn::GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode seq) {
                    value = constructSequence(seq);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(name, value);
            }
        }
    }
}
