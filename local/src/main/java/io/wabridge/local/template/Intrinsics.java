package io.wabridge.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the intrinsic functions the template uses ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub},
 * {@code Fn::Join}) against the local stack, the way CloudFormation would against the deployed one.
 * An unresolvable reference is an error, so a template the local runtime accepts is one whose
 * references all point somewhere.
 */
public final class Intrinsics {

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final Function<String, String> ref;
    private final BiFunction<String, String, String> getAtt;

    /**
     * @param ref    value of {@code Ref} for a parameter, pseudo parameter or logical id (null if unknown)
     * @param getAtt value of {@code Fn::GetAtt} for a logical id and attribute (null if unknown)
     */
    public Intrinsics(Function<String, String> ref, BiFunction<String, String, String> getAtt) {
        this.ref = ref;
        this.getAtt = getAtt;
    }

    /** Resolves {@code value} to a string (scalars and intrinsics only). */
    public String string(Object value) {
        Object resolved = resolve(value);
        if (resolved instanceof Map || resolved instanceof List) {
            throw new IllegalArgumentException("expected a scalar, got " + resolved);
        }
        return resolved == null ? null : resolved.toString();
    }

    /** Resolves every intrinsic inside {@code value}, recursively. */
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (m.size() == 1) {
                Map.Entry<?, ?> e = m.entrySet().iterator().next();
                String key = e.getKey().toString();
                switch (key) {
                    case "Ref" -> {
                        return required(ref.apply(e.getValue().toString()), "Ref " + e.getValue());
                    }
                    case "Fn::GetAtt" -> {
                        List<Object> parts = SamTemplate.list(e.getValue());
                        return required(getAtt.apply(parts.get(0).toString(), parts.get(1).toString()),
                                "GetAtt " + parts);
                    }
                    case "Fn::Sub" -> {
                        return sub(e.getValue());
                    }
                    case "Fn::Join" -> {
                        List<Object> parts = SamTemplate.list(e.getValue());
                        List<String> items = new ArrayList<>();
                        for (Object item : SamTemplate.list(resolve(parts.get(1)))) {
                            items.add(string(item));
                        }
                        return String.join(parts.get(0).toString(), items);
                    }
                    default -> {
                        if (key.startsWith("Fn::")) {
                            throw new IllegalArgumentException("intrinsic " + key + " is not supported locally");
                        }
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k.toString(), resolve(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(resolve(v)));
            return out;
        }
        return value;
    }

    private String sub(Object spec) {
        String template;
        Map<String, Object> vars = Map.of();
        if (spec instanceof List<?> l) {
            template = l.get(0).toString();
            vars = SamTemplate.map(l.get(1));
        } else {
            template = spec.toString();
        }
        Matcher m = SUB_VAR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).trim();
            String value;
            if (vars.containsKey(name)) {
                value = string(vars.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String[] parts = name.split("\\.", 2);
                value = required(getAtt.apply(parts[0], parts[1]), "Sub ${" + name + "}");
            } else {
                value = required(ref.apply(name), "Sub ${" + name + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }

    private static String required(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("template reference does not resolve locally: " + what);
        }
        return value;
    }
}
