package io.wabridge.core.send;

import io.wabridge.core.Refusal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters a template takes when sent, read from its components as Meta lists them
 * ({@code GET /{waba-id}/message_templates?fields=components,parameter_format}) or as they were submitted: the header's
 * format and its placeholders, the body's placeholders, and each button that needs a parameter (a URL with a
 * placeholder, a copy-code or OTP button). A send whose {@code components} do not supply exactly these is refused
 * before the call; Meta would answer 132000 (parameter count) or 132012 (parameter format).
 *
 * <p>https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components and
 * .../messages/template-messages (header parameters of the header's format, body parameters of type text, currency or
 * date_time, a button component with sub_type and index per dynamic button).
 *
 * @param headerFormat TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION or null without a header
 * @param header       the number of header parameters (text placeholders, or 1 for a media or location header)
 * @param body         the body placeholders: {@code {{1}}..{{n}}} positional, or names when the template is NAMED
 * @param buttons      the buttons that take a parameter, each {@code sub_type@index}
 */
public record TemplateShape(String headerFormat, int header, List<String> body, List<String> buttons) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");
    private static final Set<String> MEDIA = Set.of("IMAGE", "VIDEO", "DOCUMENT", "LOCATION");

    public TemplateShape {
        body = List.copyOf(body);
        buttons = List.copyOf(buttons);
    }

    /** The shape of Meta's {@code components} list (maps and lists as parsed from JSON). */
    public static TemplateShape of(List<?> components) {
        String headerFormat = null;
        int header = 0;
        List<String> body = List.of();
        List<String> buttons = new ArrayList<>();
        for (Object o : components == null ? List.of() : components) {
            if (!(o instanceof Map<?, ?> c)) {
                continue;
            }
            String type = String.valueOf(c.get("type")).toUpperCase(Locale.ROOT);
            switch (type) {
                case "HEADER" -> {
                    headerFormat = c.get("format") == null ? "TEXT" : String.valueOf(c.get("format")).toUpperCase(Locale.ROOT);
                    header = MEDIA.contains(headerFormat) ? 1 : placeholders(c.get("text")).size();
                }
                case "BODY" -> body = placeholders(c.get("text"));
                case "BUTTONS" -> {
                    List<?> list = c.get("buttons") instanceof List<?> l ? l : List.of();
                    for (int i = 0; i < list.size(); i++) {
                        if (!(list.get(i) instanceof Map<?, ?> b)) {
                            continue;
                        }
                        String kind = String.valueOf(b.get("type")).toUpperCase(Locale.ROOT);
                        boolean dynamic = switch (kind) {
                            case "URL" -> !placeholders(b.get("url")).isEmpty();
                            case "COPY_CODE", "OTP" -> true;
                            default -> false;
                        };
                        if (dynamic) {
                            buttons.add(kind.toLowerCase(Locale.ROOT) + "@" + i);
                        }
                    }
                }
                default -> { }
            }
        }
        return new TemplateShape(headerFormat, header, body, buttons);
    }

    private static List<String> placeholders(Object text) {
        Set<String> seen = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text == null ? "" : String.valueOf(text));
        while (m.find()) {
            seen.add(m.group(1));
        }
        return List.copyOf(seen);
    }

    /** A compact text form for storage: {@code h=IMAGE:1;b=1,2;k=url@0}. */
    public String encode() {
        return "h=" + (headerFormat == null ? "" : headerFormat + ":" + header) + ";b=" + String.join(",", body) + ";k=" + String.join(",", buttons);
    }

    /** The shape {@link #encode()} wrote; null for null. */
    public static TemplateShape decode(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String h = "";
        String b = "";
        String k = "";
        for (String part : s.split(";", -1)) {
            if (part.startsWith("h=")) {
                h = part.substring(2);
            } else if (part.startsWith("b=")) {
                b = part.substring(2);
            } else if (part.startsWith("k=")) {
                k = part.substring(2);
            }
        }
        String format = h.isEmpty() ? null : h.substring(0, h.indexOf(':'));
        int header = h.isEmpty() ? 0 : Integer.parseInt(h.substring(h.indexOf(':') + 1));
        return new TemplateShape(format, header, b.isEmpty() ? List.of() : List.of(b.split(",")), k.isEmpty() ? List.of() : List.of(k.split(",")));
    }

    /**
     * Checks the {@code components} of a template send against this shape.
     *
     * @throws SendRejected 422 {@code template_params_mismatch} naming the component at fault
     */
    public void check(String template, Object sentComponents) {
        List<?> sent = sentComponents instanceof List<?> l ? l : List.of();
        List<?> headerParams = List.of();
        List<?> bodyParams = List.of();
        Set<String> buttonsGiven = new LinkedHashSet<>();
        for (Object o : sent) {
            if (!(o instanceof Map<?, ?> c)) {
                throw mismatch("template.components", template + ": each component must be an object");
            }
            List<?> params = c.get("parameters") instanceof List<?> p ? p : List.of();
            switch (String.valueOf(c.get("type")).toLowerCase(Locale.ROOT)) {
                case "header" -> headerParams = params;
                case "body" -> bodyParams = params;
                case "button" -> {
                    String key = String.valueOf(c.get("sub_type")).toLowerCase(Locale.ROOT) + "@" + c.get("index");
                    if (!buttons.contains(key)) {
                        throw mismatch("template.components.button", template + " has no button " + key + " that takes a parameter"
                                + (buttons.isEmpty() ? "" : " (it has " + String.join(", ", buttons) + ")"));
                    }
                    if (params.size() != 1) {
                        throw mismatch("template.components.button", template + " button " + key + " takes 1 parameter; " + params.size() + " given");
                    }
                    buttonsGiven.add(key);
                }
                default -> { }
            }
        }
        count("header", template, header, headerParams);
        if (headerFormat != null && MEDIA.contains(headerFormat) && !headerParams.isEmpty()) {
            String want = headerFormat.toLowerCase(Locale.ROOT);
            if (!(headerParams.get(0) instanceof Map<?, ?> p) || !want.equals(p.get("type"))) {
                throw mismatch("template.components.header.parameters", template + " has a " + want + " header: its parameter must be of type " + want);
            }
        }
        count("body", template, body.size(), bodyParams);
        for (Object p : bodyParams) {
            Object type = p instanceof Map<?, ?> m ? m.get("type") : null;
            if (!Set.of("text", "currency", "date_time").contains(String.valueOf(type))) {
                throw mismatch("template.components.body.parameters", "body parameters are of type text, currency or date_time; got " + type);
            }
        }
        if (!body.isEmpty() && !body.get(0).chars().allMatch(Character::isDigit)) {
            Set<String> names = new LinkedHashSet<>();
            bodyParams.forEach(p -> names.add(p instanceof Map<?, ?> m ? String.valueOf(m.get("parameter_name")) : "null"));
            if (!names.equals(new LinkedHashSet<>(body))) {
                throw mismatch("template.components.body.parameters", template + " takes the named parameters " + body + "; given " + names);
            }
        }
        if (!buttonsGiven.containsAll(buttons)) {
            List<String> missing = new ArrayList<>(buttons);
            missing.removeAll(buttonsGiven);
            throw mismatch("template.components.button", template + " needs a parameter for button " + String.join(", ", missing));
        }
    }

    private static void count(String component, String template, int expected, List<?> given) {
        if (expected != given.size()) {
            throw mismatch("template.components." + component + ".parameters",
                    template + " " + component + " takes " + expected + " parameter" + (expected == 1 ? "" : "s") + "; " + given.size() + " given");
        }
    }

    private static SendRejected mismatch(String field, String message) {
        return new SendRejected(Refusal.Kind.NOT_ALLOWED, "template_params_mismatch", field, message);
    }
}
