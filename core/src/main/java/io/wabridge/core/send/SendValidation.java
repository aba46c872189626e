package io.wabridge.core.send;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape checks of a send, per WhatsApp type, before anything is queued: each failure names the field.
 * Meta's limits: text 4,096 characters, captions 1,024, 1 to 3 reply buttons with titles of 20, lists of
 * up to 10 rows, media by id or https link (not both).
 */
public final class SendValidation {

    public static final Set<String> TYPES = Set.of("text", "image", "audio", "video", "document", "sticker", "template", "interactive",
            "reaction", "location", "contacts");
    static final Set<String> MEDIA = Set.of("image", "audio", "video", "document", "sticker");
    static final Pattern WA_ID = io.wabridge.core.consent.ContactKey.WA_ID;
    static final Pattern BSUID = io.wabridge.core.consent.ContactKey.BSUID;
    static final Pattern WAMID = Pattern.compile("wamid\\.[A-Za-z0-9_=+/-]{4,200}");

    private SendValidation() {}

    public static boolean isBsuid(String to) {
        return to != null && BSUID.matcher(to).matches();
    }

    public static void validate(SendRequest r) {
        if (r.phoneNumberId() == null || !r.phoneNumberId().matches("[0-9]{1,32}")) {
            throw SendRejected.invalid("channel", "channel must be the phone number id of one of your channels");
        }
        if (r.to() == null || !(WA_ID.matcher(r.to()).matches() || BSUID.matcher(r.to()).matches())) {
            throw SendRejected.invalid("to", "to must be a wa_id (digits with country code) or a BSUID (e.g. US.1234567890)");
        }
        if (r.type() == null || !TYPES.contains(r.type())) {
            throw SendRejected.invalid("type", "type must be one of " + new java.util.TreeSet<>(TYPES));
        }
        if (r.content() == null) {
            throw SendRejected.invalid(r.type(), "the message needs a '" + r.type() + "' object");
        }
        if (r.replyTo() != null && !WAMID.matcher(r.replyTo()).matches()) {
            throw SendRejected.invalid("context.message_id", "context.message_id must be a wamid");
        }
        if (r.idempotencyKey() != null && (r.idempotencyKey().isBlank() || r.idempotencyKey().length() > 200)) {
            throw SendRejected.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        }
        Map<String, Object> c = r.content();
        String t = r.type();
        switch (t) {
            case "text" -> {
                String body = string(c, "body", t + ".body", true);
                if (body.codePointCount(0, body.length()) > 4096) {
                    throw SendRejected.invalid("text.body", "text.body is longer than WhatsApp's 4,096 characters");
                }
            }
            case "image", "audio", "video", "document", "sticker" -> {
                boolean id = c.get("id") != null;
                boolean link = c.get("link") != null;
                if (id == link) {
                    throw SendRejected.invalid(t, t + " needs exactly one of id (an uploaded media id) or link (https)");
                }
                if (link && !string(c, "link", t + ".link", true).startsWith("https://")) {
                    throw SendRejected.invalid(t + ".link", t + ".link must be an https URL");
                }
                String caption = string(c, "caption", t + ".caption", false);
                if (caption != null && (t.equals("audio") || t.equals("sticker"))) {
                    throw SendRejected.invalid(t + ".caption", t + " messages have no caption");
                }
                if (caption != null && caption.length() > 1024) {
                    throw SendRejected.invalid(t + ".caption", "captions are at most 1,024 characters");
                }
            }
            case "template" -> {
                string(c, "name", "template.name", true);
                Object language = c.get("language");
                if (!(language instanceof Map<?, ?> l) || !(l.get("code") instanceof String code) || code.isBlank()) {
                    throw SendRejected.invalid("template.language.code", "template.language.code is required (e.g. en_US)");
                }
                if (c.get("components") != null && !(c.get("components") instanceof List<?>)) {
                    throw SendRejected.invalid("template.components", "template.components must be a list");
                }
            }
            case "interactive" -> interactive(c);
            case "reaction" -> {
                String id = string(c, "message_id", "reaction.message_id", true);
                if (!WAMID.matcher(id).matches()) {
                    throw SendRejected.invalid("reaction.message_id", "reaction.message_id must be a wamid");
                }
                if (!(c.get("emoji") instanceof String)) {
                    throw SendRejected.invalid("reaction.emoji", "reaction.emoji is required (an empty string removes a reaction)");
                }
            }
            case "location" -> {
                number(c, "latitude", -90, 90);
                number(c, "longitude", -180, 180);
            }
            case "contacts" -> {
                if (!(c.get("contacts") instanceof List<?> list) || list.isEmpty()) {
                    throw SendRejected.invalid("contacts", "contacts must be a non-empty list of Meta contact objects");
                }
            }
            default -> throw new IllegalStateException(t);
        }
    }

    private static void interactive(Map<String, Object> c) {
        String kind = string(c, "type", "interactive.type", true);
        if (!Set.of("button", "list", "cta_url", "flow", "location_request_message").contains(kind)) {
            throw SendRejected.invalid("interactive.type", "interactive.type must be button, list, cta_url, flow or location_request_message");
        }
        if (!(c.get("body") instanceof Map<?, ?> body) || !(body.get("text") instanceof String text) || text.isBlank()) {
            throw SendRejected.invalid("interactive.body.text", "interactive.body.text is required");
        } else if (text.length() > 1024) {
            throw SendRejected.invalid("interactive.body.text", "interactive.body.text is at most 1,024 characters");
        }
        Map<?, ?> action = c.get("action") instanceof Map<?, ?> a ? a : null;
        if (action == null && !kind.equals("location_request_message")) {
            throw SendRejected.invalid("interactive.action", "interactive.action is required");
        }
        switch (kind) {
            case "button" -> {
                if (!(action.get("buttons") instanceof List<?> buttons) || buttons.isEmpty() || buttons.size() > 3) {
                    throw SendRejected.invalid("interactive.action.buttons", "reply buttons: 1 to 3");
                }
                for (Object b : buttons) {
                    Object reply = b instanceof Map<?, ?> m ? m.get("reply") : null;
                    if (!(reply instanceof Map<?, ?> r) || !(r.get("title") instanceof String title) || title.isBlank() || title.length() > 20
                            || !(r.get("id") instanceof String)) {
                        throw SendRejected.invalid("interactive.action.buttons", "each button needs reply.id and a reply.title of 1 to 20 characters");
                    }
                }
            }
            case "list" -> {
                if (!(action.get("button") instanceof String)) {
                    throw SendRejected.invalid("interactive.action.button", "a list needs action.button (the menu label)");
                }
                int rows = 0;
                if (action.get("sections") instanceof List<?> sections && !sections.isEmpty()) {
                    for (Object s : sections) {
                        rows += s instanceof Map<?, ?> m && m.get("rows") instanceof List<?> r ? r.size() : 0;
                    }
                }
                if (rows < 1 || rows > 10) {
                    throw SendRejected.invalid("interactive.action.sections", "a list needs 1 to 10 rows across its sections");
                }
            }
            case "cta_url" -> {
                Object params = action.get("parameters");
                if (!(params instanceof Map<?, ?> p) || !(p.get("url") instanceof String url) || !url.startsWith("https://")
                        || !(p.get("display_text") instanceof String)) {
                    throw SendRejected.invalid("interactive.action.parameters", "cta_url needs parameters.display_text and an https parameters.url");
                }
            }
            default -> { }
        }
    }

    private static String string(Map<String, Object> c, String key, String field, boolean required) {
        Object v = c.get(key);
        if (v == null) {
            if (required) {
                throw SendRejected.invalid(field, field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s) || (required && s.isEmpty())) {
            throw SendRejected.invalid(field, field + " must be a non-empty string");
        }
        return s;
    }

    private static void number(Map<String, Object> c, String key, double min, double max) {
        Object v = c.get(key);
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= min && d <= max)) {
            throw SendRejected.invalid("location." + key, "location." + key + " must be a number from " + (int) min + " to " + (int) max);
        }
    }
}
