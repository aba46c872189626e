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

    static final int CAPTION = 1024;

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
                if (caption != null) {
                    atMost(t + ".caption", caption, CAPTION);   // MediaObject.caption maxLength 1024 in Meta's OpenAPI
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

    /*
     * Meta's documented limits for interactive messages, checked before the call (Meta answers 131009 "Parameter
     * value is not valid" otherwise). Lengths are in characters (code points). Sources:
     * - the OpenAPI description of the Cloud API (../shared/reference/meta-business-messaging-api_v23.0.yaml,
     *   HeaderObject, BodyObject, FooterObject, ActionObject, SectionObject)
     * - https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
     *   (up to 10 sections, up to 10 rows across all sections; button 20, section title 24, row title 24,
     *   row description 72, row id 200)
     * - https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
     *   (1 to 3 buttons, title 20 and unique, id 256 and unique)
     * - https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-cta-url-messages
     *   (display_text 20, header text 60, body 1024, footer 60)
     * The local test MetaLimitsTest checks this class and the sandbox against one table of these limits.
     */
    static final int INTERACTIVE_BODY = 1024;
    static final int HEADER_TEXT = 60;
    static final int FOOTER_TEXT = 60;
    static final int BUTTON_TITLE = 20;
    static final int BUTTON_ID = 256;
    static final int LIST_BUTTON = 20;
    static final int SECTIONS = 10;
    static final int ROWS = 10;
    static final int SECTION_TITLE = 24;
    static final int ROW_ID = 200;
    static final int ROW_TITLE = 24;
    static final int ROW_DESCRIPTION = 72;
    static final int CTA_DISPLAY_TEXT = 20;

    private static void interactive(Map<String, Object> c) {
        String kind = string(c, "type", "interactive.type", true);
        if (!Set.of("button", "list", "cta_url", "flow", "location_request_message").contains(kind)) {
            throw SendRejected.invalid("interactive.type", "interactive.type must be button, list, cta_url, flow or location_request_message");
        }
        if (!(c.get("body") instanceof Map<?, ?> body) || !(body.get("text") instanceof String text) || text.isBlank()) {
            throw SendRejected.invalid("interactive.body.text", "interactive.body.text is required");
        }
        atMost("interactive.body.text", text, INTERACTIVE_BODY);
        if (c.get("footer") != null) {
            atMost("interactive.footer.text", text(c.get("footer"), "text", "interactive.footer.text", true), FOOTER_TEXT);
        }
        if (c.get("header") != null) {
            if (!(c.get("header") instanceof Map<?, ?> header) || !(header.get("type") instanceof String headerType)) {
                throw SendRejected.invalid("interactive.header.type", "interactive.header.type is required (text, image, video or document)");
            }
            if (kind.equals("list") && !headerType.equals("text")) {
                throw SendRejected.invalid("interactive.header.type", "a list message's header can only be text");
            }
            if (headerType.equals("text")) {
                atMost("interactive.header.text", text(header, "text", "interactive.header.text", true), HEADER_TEXT);
            }
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
                Set<String> ids = new java.util.HashSet<>();
                Set<String> titles = new java.util.HashSet<>();
                for (int i = 0; i < buttons.size(); i++) {
                    String at = "interactive.action.buttons[" + i + "].reply";
                    Object reply = buttons.get(i) instanceof Map<?, ?> m ? m.get("reply") : null;
                    String title = atMost(at + ".title", text(reply, "title", at + ".title", true), BUTTON_TITLE);
                    String id = atMost(at + ".id", text(reply, "id", at + ".id", true), BUTTON_ID);
                    if (!ids.add(id)) {
                        throw SendRejected.invalid(at + ".id", "reply button ids must be unique");
                    }
                    if (!titles.add(title)) {
                        throw SendRejected.invalid(at + ".title", "reply button titles must be unique");
                    }
                }
            }
            case "list" -> {
                atMost("interactive.action.button", text(action, "button", "interactive.action.button", true), LIST_BUTTON);
                if (!(action.get("sections") instanceof List<?> sections) || sections.isEmpty() || sections.size() > SECTIONS) {
                    throw SendRejected.invalid("interactive.action.sections", "a list needs 1 to " + SECTIONS + " sections");
                }
                int rows = 0;
                Set<String> ids = new java.util.HashSet<>();
                for (int s = 0; s < sections.size(); s++) {
                    String at = "interactive.action.sections[" + s + "]";
                    Map<?, ?> section = sections.get(s) instanceof Map<?, ?> m ? m : Map.of();
                    // Required when there is more than one section (OpenAPI SectionObject.title).
                    if (section.get("title") != null || sections.size() > 1) {
                        atMost(at + ".title", text(section, "title", at + ".title", true), SECTION_TITLE);
                    }
                    if (!(section.get("rows") instanceof List<?> list) || list.isEmpty()) {
                        throw SendRejected.invalid(at + ".rows", "each section needs at least one row");
                    }
                    for (int r = 0; r < list.size(); r++) {
                        String rowAt = at + ".rows[" + r + "]";
                        Object row = list.get(r);
                        String id = atMost(rowAt + ".id", text(row, "id", rowAt + ".id", true), ROW_ID);
                        if (!ids.add(id)) {
                            throw SendRejected.invalid(rowAt + ".id", "row ids must be unique across the list");
                        }
                        atMost(rowAt + ".title", text(row, "title", rowAt + ".title", true), ROW_TITLE);
                        String description = text(row, "description", rowAt + ".description", false);
                        if (description != null) {
                            atMost(rowAt + ".description", description, ROW_DESCRIPTION);
                        }
                    }
                    rows += list.size();
                }
                if (rows > ROWS) {
                    throw SendRejected.invalid("interactive.action.sections", "a list has at most " + ROWS + " rows across its sections");
                }
            }
            case "cta_url" -> {
                Object params = action.get("parameters");
                if (!(params instanceof Map<?, ?> p) || !(p.get("url") instanceof String url) || !url.startsWith("https://")) {
                    throw SendRejected.invalid("interactive.action.parameters.url", "cta_url needs an https parameters.url");
                }
                atMost("interactive.action.parameters.display_text",
                        text(p, "display_text", "interactive.action.parameters.display_text", true), CTA_DISPLAY_TEXT);
            }
            default -> { }
        }
    }

    /** {@code value} if it has at most {@code max} characters (code points, as Meta counts them). */
    private static String atMost(String field, String value, int max) {
        if (value.codePointCount(0, value.length()) > max) {
            throw SendRejected.invalid(field, field + " is longer than WhatsApp's " + max + " characters");
        }
        return value;
    }

    /** The string at {@code key} of {@code holder} (a JSON object), non-blank when required. */
    private static String text(Object holder, String key, String field, boolean required) {
        Object v = holder instanceof Map<?, ?> m ? m.get(key) : null;
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw SendRejected.invalid(field, field + " is required (a non-empty string)");
        }
        return s;
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
