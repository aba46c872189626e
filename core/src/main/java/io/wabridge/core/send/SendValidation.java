package io.wabridge.core.send;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape checks of a send, per WhatsApp type, before anything is queued: each failure names the field.
 * Meta's limits: text 4,096 characters, captions 1,024, 1 to 3 reply buttons with titles of 20, lists of
 * up to 10 rows, media by id or https link (not both).
 */
public final class SendValidation {

    public static final Set<String> TYPES = OutboundContent.TYPES;
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
        if (r.content() == null) {
            throw SendRejected.invalid("type", "type must be one of " + new java.util.TreeSet<>(TYPES));
        }
        if (r.replyTo() != null && !WAMID.matcher(r.replyTo()).matches()) {
            throw SendRejected.invalid("context.message_id", "context.message_id must be a wamid");
        }
        if (r.idempotencyKey() != null && (r.idempotencyKey().isBlank() || r.idempotencyKey().length() > 200)) {
            throw SendRejected.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        }
        validate(r.content());
    }

    /** Meta's rules for the content of a send; each failure names the field as the SaaS's JSON has it. */
    public static void validate(OutboundContent content) {
        switch (content) {
            case OutboundContent.Text t -> {
                String body = required(t.body(), "text.body");
                if (body.codePointCount(0, body.length()) > 4096) {
                    throw SendRejected.invalid("text.body", "text.body is longer than WhatsApp's 4,096 characters");
                }
            }
            case OutboundContent.Media m -> media(m, m.type());
            case OutboundContent.Template t -> {
                required(t.name(), "template.name");
                if (t.languageCode() == null || t.languageCode().isBlank()) {
                    throw SendRejected.invalid("template.language.code", "template.language.code is required (e.g. en_US)");
                }
            }
            case OutboundContent.Interactive i -> interactive(i);
            case OutboundContent.Reaction x -> {
                String id = required(x.messageId(), "reaction.message_id");
                if (!WAMID.matcher(id).matches()) {
                    throw SendRejected.invalid("reaction.message_id", "reaction.message_id must be a wamid");
                }
                if (x.emoji() == null) {
                    throw SendRejected.invalid("reaction.emoji", "reaction.emoji is required (an empty string removes a reaction)");
                }
            }
            case OutboundContent.Location l -> {
                number("latitude", l.latitude(), -90, 90);
                number("longitude", l.longitude(), -180, 180);
            }
            case OutboundContent.Contacts c -> {
                if (c.contacts() == null || c.contacts().isEmpty()) {
                    throw SendRejected.invalid("contacts", "contacts must be a non-empty list of Meta contact objects");
                }
            }
        }
    }

    /** A media message: exactly one of id or https link; a caption only where WhatsApp shows one. */
    private static void media(OutboundContent.Media m, String at) {
        String t = m.type();
        boolean id = m.id() != null;
        boolean link = m.link() != null;
        if (id == link) {
            throw SendRejected.invalid(at, at + " needs exactly one of id (an uploaded media id) or link (https)");
        }
        if (link && !required(m.link(), at + ".link").startsWith("https://")) {
            throw SendRejected.invalid(at + ".link", at + ".link must be an https URL");
        }
        if (m.caption() != null && (t.equals("audio") || t.equals("sticker"))) {
            throw SendRejected.invalid(at + ".caption", t + " messages have no caption");
        }
        if (m.caption() != null) {
            atMost(at + ".caption", m.caption(), CAPTION);   // MediaObject.caption maxLength 1024 in Meta's OpenAPI
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

    private static void interactive(OutboundContent.Interactive c) {
        String kind = required(c.kind(), "interactive.type");
        if (!Set.of("button", "list", "cta_url", "flow", "location_request_message").contains(kind)) {
            throw SendRejected.invalid("interactive.type", "interactive.type must be button, list, cta_url, flow or location_request_message");
        }
        String text = text(c.body(), "interactive.body.text", true);
        atMost("interactive.body.text", text, INTERACTIVE_BODY);
        if (c.footer() != null) {
            atMost("interactive.footer.text", text(c.footer(), "interactive.footer.text", true), FOOTER_TEXT);
        }
        if (c.header() != null) {
            String headerType = c.header().type();
            if (headerType == null) {
                throw SendRejected.invalid("interactive.header.type", "interactive.header.type is required (text, image, video or document)");
            }
            if (kind.equals("list") && !headerType.equals("text")) {
                throw SendRejected.invalid("interactive.header.type", "a list message's header can only be text");
            }
            if (headerType.equals("text")) {
                atMost("interactive.header.text", text(c.header().text(), "interactive.header.text", true), HEADER_TEXT);
            }
        }
        OutboundContent.Action action = c.action();
        if (action == null && !kind.equals("location_request_message")) {
            throw SendRejected.invalid("interactive.action", "interactive.action is required");
        }
        switch (kind) {
            case "button" -> {
                List<OutboundContent.ReplyButton> buttons = action instanceof OutboundContent.Buttons b ? b.buttons() : null;
                if (buttons == null || buttons.isEmpty() || buttons.size() > 3) {
                    throw SendRejected.invalid("interactive.action.buttons", "reply buttons: 1 to 3");
                }
                Set<String> ids = new java.util.HashSet<>();
                Set<String> titles = new java.util.HashSet<>();
                for (int i = 0; i < buttons.size(); i++) {
                    String at = "interactive.action.buttons[" + i + "].reply";
                    OutboundContent.ReplyButton reply = buttons.get(i);
                    String title = atMost(at + ".title", text(reply.title(), at + ".title", true), BUTTON_TITLE);
                    String id = atMost(at + ".id", text(reply.id(), at + ".id", true), BUTTON_ID);
                    if (!ids.add(id)) {
                        throw SendRejected.invalid(at + ".id", "reply button ids must be unique");
                    }
                    if (!titles.add(title)) {
                        throw SendRejected.invalid(at + ".title", "reply button titles must be unique");
                    }
                }
            }
            case "list" -> {
                OutboundContent.ListAction list = action instanceof OutboundContent.ListAction l ? l : new OutboundContent.ListAction(null, null);
                atMost("interactive.action.button", text(list.button(), "interactive.action.button", true), LIST_BUTTON);
                List<OutboundContent.Section> sections = list.sections();
                if (sections == null || sections.isEmpty() || sections.size() > SECTIONS) {
                    throw SendRejected.invalid("interactive.action.sections", "a list needs 1 to " + SECTIONS + " sections");
                }
                int rows = 0;
                Set<String> ids = new java.util.HashSet<>();
                for (int s = 0; s < sections.size(); s++) {
                    String at = "interactive.action.sections[" + s + "]";
                    OutboundContent.Section section = sections.get(s);
                    // Required when there is more than one section (OpenAPI SectionObject.title).
                    if (section.title() != null || sections.size() > 1) {
                        atMost(at + ".title", text(section.title(), at + ".title", true), SECTION_TITLE);
                    }
                    if (section.rows() == null || section.rows().isEmpty()) {
                        throw SendRejected.invalid(at + ".rows", "each section needs at least one row");
                    }
                    for (int r = 0; r < section.rows().size(); r++) {
                        String rowAt = at + ".rows[" + r + "]";
                        OutboundContent.Row row = section.rows().get(r);
                        String id = atMost(rowAt + ".id", text(row.id(), rowAt + ".id", true), ROW_ID);
                        if (!ids.add(id)) {
                            throw SendRejected.invalid(rowAt + ".id", "row ids must be unique across the list");
                        }
                        atMost(rowAt + ".title", text(row.title(), rowAt + ".title", true), ROW_TITLE);
                        String description = text(row.description(), rowAt + ".description", false);
                        if (description != null) {
                            atMost(rowAt + ".description", description, ROW_DESCRIPTION);
                        }
                    }
                    rows += section.rows().size();
                }
                if (rows > ROWS) {
                    throw SendRejected.invalid("interactive.action.sections", "a list has at most " + ROWS + " rows across its sections");
                }
            }
            case "cta_url" -> {
                OutboundContent.CtaUrl cta = action instanceof OutboundContent.CtaUrl u ? u : new OutboundContent.CtaUrl(null, null);
                if (cta.url() == null || !cta.url().startsWith("https://")) {
                    throw SendRejected.invalid("interactive.action.parameters.url", "cta_url needs an https parameters.url");
                }
                atMost("interactive.action.parameters.display_text",
                        text(cta.displayText(), "interactive.action.parameters.display_text", true), CTA_DISPLAY_TEXT);
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

    /** {@code value}, non-blank when required (Meta's interactive texts). */
    private static String text(String value, String field, boolean required) {
        if (value == null && !required) {
            return null;
        }
        if (value == null || value.isBlank()) {
            throw SendRejected.invalid(field, field + " is required (a non-empty string)");
        }
        return value;
    }

    /** {@code value}, present and not empty. */
    private static String required(String value, String field) {
        if (value == null) {
            throw SendRejected.invalid(field, field + " is required");
        }
        if (value.isEmpty()) {
            throw SendRejected.invalid(field, field + " must be a non-empty string");
        }
        return value;
    }

    private static void number(String key, java.math.BigDecimal v, double min, double max) {
        double d = v == null ? Double.NaN : v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw SendRejected.invalid("location." + key, "location." + key + " must be a number from " + (int) min + " to " + (int) max);
        }
    }
}
