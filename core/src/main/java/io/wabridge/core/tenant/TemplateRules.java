package io.wabridge.core.tenant;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Meta's rules for a new message template, checked before submission so a tenant learns what is wrong
 * without a round trip: name, category, language, exactly one BODY (at most 1,024 characters, variables
 * {{1}}..{{n}} in sequence with an example for each), an optional HEADER (TEXT of at most 60 characters
 * and one variable, or a media/location format), an optional FOOTER (60 characters, no variables) and
 * at most 10 BUTTONS.
 */
public final class TemplateRules {

    static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*(\\d+)\\s*}}");
    static final Set<String> CATEGORIES = Set.of("MARKETING", "UTILITY", "AUTHENTICATION");
    static final Set<String> HEADER_FORMATS = Set.of("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION");

    private TemplateRules() {}

    public static void validate(String name, String language, String category, List<?> components) {
        if (name == null || !name.matches("[a-z0-9_]{1,512}")) {
            throw new SettingsRejected("name", "name must be 1 to 512 lowercase letters, digits and underscores");
        }
        if (language == null || !language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
            throw new SettingsRejected("language", "language must be a code like en_US or id");
        }
        if (category == null || !CATEGORIES.contains(category)) {
            throw new SettingsRejected("category", "category must be MARKETING, UTILITY or AUTHENTICATION");
        }
        if (components == null || components.isEmpty()) {
            throw new SettingsRejected("components", "components must be a list with a BODY");
        }
        int bodies = 0;
        for (Object o : components) {
            if (!(o instanceof Map<?, ?> c) || !(c.get("type") instanceof String type)) {
                throw new SettingsRejected("components", "each component needs a type (HEADER, BODY, FOOTER, BUTTONS)");
            }
            switch (type) {
                case "BODY" -> {
                    bodies++;
                    String text = text(c, "components.BODY.text", 1024);
                    int n = variables(text, "components.BODY.text");
                    if (n > 0) {
                        Object example = c.get("example") instanceof Map<?, ?> e ? e.get("body_text") : null;
                        Object first = example instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
                        if (!(first instanceof List<?> values) || values.size() != n) {
                            throw new SettingsRejected("components.BODY.example", "the body has " + n
                                    + " variables: give example.body_text as [[" + n + " sample values]]");
                        }
                    }
                }
                case "HEADER" -> {
                    String format = c.get("format") instanceof String f ? f : "";
                    if (!HEADER_FORMATS.contains(format)) {
                        throw new SettingsRejected("components.HEADER.format", "HEADER format must be one of " + new TreeSet<>(HEADER_FORMATS));
                    }
                    if (format.equals("TEXT") && variables(text(c, "components.HEADER.text", 60), "components.HEADER.text") > 1) {
                        throw new SettingsRejected("components.HEADER.text", "a text header has at most one variable");
                    }
                }
                case "FOOTER" -> {
                    if (variables(text(c, "components.FOOTER.text", 60), "components.FOOTER.text") > 0) {
                        throw new SettingsRejected("components.FOOTER.text", "a footer has no variables");
                    }
                }
                case "BUTTONS" -> {
                    if (!(c.get("buttons") instanceof List<?> buttons) || buttons.isEmpty() || buttons.size() > 10) {
                        throw new SettingsRejected("components.BUTTONS.buttons", "BUTTONS needs 1 to 10 buttons");
                    }
                }
                default -> throw new SettingsRejected("components", "unknown component type " + type);
            }
        }
        if (bodies != 1) {
            throw new SettingsRejected("components", "a template has exactly one BODY");
        }
    }

    private static String text(Map<?, ?> c, String field, int max) {
        if (!(c.get("text") instanceof String text) || text.isBlank() || text.length() > max) {
            throw new SettingsRejected(field, field + " must be 1 to " + max + " characters");
        }
        return text;
    }

    /** The number of variables; they must be {{1}}..{{n}}, each once, in order of first use. */
    static int variables(String text, String field) {
        Matcher m = VARIABLE.matcher(text);
        int expected = 1;
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != expected) {
                throw new SettingsRejected(field, "variables must be {{1}}, {{2}}, ... in order, each once");
            }
            expected++;
        }
        return expected - 1;
    }
}
