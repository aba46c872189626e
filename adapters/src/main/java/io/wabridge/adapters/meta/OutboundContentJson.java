package io.wabridge.adapters.meta;

import io.wabridge.core.send.MetaMessages;
import io.wabridge.core.send.OutboundContent;
import io.wabridge.core.send.OutboundContent.Action;
import io.wabridge.core.send.OutboundContent.Media;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendValidation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Meta's JSON of a message's content, both ways: the object a send gives for its type (as Meta defines it, Meta's
 * OpenAPI ../shared/reference/meta-business-messaging-api_v23.0.yaml: TextObject, MediaObject, TemplateObject,
 * InteractiveObject, ReactionObject, LocationObject, ContactObject) read into {@link OutboundContent}, and written back
 * for Meta's {@code POST /{phone-number-id}/messages}, for the outbox and the outbound queue (the stored form: a contacts
 * message's list under {@code "contacts"}, as records already in a table have it), and for the read API.
 *
 * <p>JSON values are plain Java values as Jackson binds them (maps, lists, strings, numbers, booleans). Reading refuses
 * a value of the wrong JSON kind where WaBridge reads the field (a 400 naming it); Meta's rules on the values
 * (required fields, lengths, counts) are {@link SendValidation}'s.
 */
public final class OutboundContentJson {

    private OutboundContentJson() {}

    /**
     * The content of a send of {@code type} whose object is {@code value} (a contacts message's list, or the stored form).
     *
     * @throws SendRejected 400 naming the field when the type is unknown, its object is missing or a field has the wrong kind
     */
    public static OutboundContent read(String type, Object value) {
        if (type == null || !OutboundContent.TYPES.contains(type)) {
            throw SendRejected.invalid("type", "type must be one of " + new TreeSet<>(OutboundContent.TYPES));
        }
        if (type.equals("contacts")) {
            Object list = value instanceof Map<?, ?> m ? m.get("contacts") : value;   // the stored form, or Meta's list
            if (value == null) {
                throw SendRejected.invalid(type, "the message needs a '" + type + "' object");
            }
            return new OutboundContent.Contacts(list instanceof List<?> l ? new ArrayList<>(l) : null);
        }
        if (!(value instanceof Map<?, ?> c)) {
            throw SendRejected.invalid(type, "the message needs a '" + type + "' object");
        }
        return switch (type) {
            case "text" -> new OutboundContent.Text(string(c, "body", "text.body"), bool(c, "preview_url", "text.preview_url"));
            case "template" -> template(c);
            case "interactive" -> interactive(c);
            case "reaction" -> new OutboundContent.Reaction(string(c, "message_id", "reaction.message_id"), string(c, "emoji", "reaction.emoji"));
            case "location" -> new OutboundContent.Location(number(c.get("latitude")), number(c.get("longitude")),
                    string(c, "name", "location.name"), string(c, "address", "location.address"));
            default -> media(Media.Kind.of(type), c, type);
        };
    }

    /**
     * The content of a send a client asked for: as {@link #read}, but a field WaBridge does not model is refused (400
     * naming it) rather than dropped on the way to Meta. Stored records are read leniently by {@link #read}.
     */
    public static OutboundContent parse(String type, Object value) {
        if (value instanceof Map<?, ?> c && !"contacts".equals(type)) {
            onlyKnownFields(type, type, c, "interactive".equals(type) && "flow".equals(c.get("type")));
        }
        return read(type, value);
    }

    private static final Set<String> MEDIA_FIELDS = Set.of("id", "link", "caption", "filename");
    /** The fields each object of a send may have, by its path (list items as {@code []}). */
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("text", Set.of("body", "preview_url")),
            Map.entry("image", MEDIA_FIELDS), Map.entry("audio", MEDIA_FIELDS), Map.entry("video", MEDIA_FIELDS),
            Map.entry("document", MEDIA_FIELDS), Map.entry("sticker", MEDIA_FIELDS),
            Map.entry("template", Set.of("name", "language", "components")),
            Map.entry("template.language", Set.of("code", "policy")),
            Map.entry("interactive", Set.of("type", "header", "body", "footer", "action")),
            Map.entry("interactive.header", Set.of("type", "text", "image", "video", "document")),
            Map.entry("interactive.header.image", MEDIA_FIELDS), Map.entry("interactive.header.video", MEDIA_FIELDS),
            Map.entry("interactive.header.document", MEDIA_FIELDS),
            Map.entry("interactive.body", Set.of("text")), Map.entry("interactive.footer", Set.of("text")),
            Map.entry("interactive.action", Set.of("button", "buttons", "sections", "name", "parameters")),
            Map.entry("interactive.action.buttons[]", Set.of("type", "reply")),
            Map.entry("interactive.action.buttons[].reply", Set.of("id", "title")),
            Map.entry("interactive.action.sections[]", Set.of("title", "rows")),
            Map.entry("interactive.action.sections[].rows[]", Set.of("id", "title", "description")),
            Map.entry("interactive.action.parameters", Set.of("display_text", "url")),
            Map.entry("reaction", Set.of("message_id", "emoji")),
            Map.entry("location", Set.of("latitude", "longitude", "name", "address")));

    /** Walks {@code value} against {@link #FIELDS}; a Flow's parameters go to Meta whole, so they are not walked. */
    private static void onlyKnownFields(String schema, String field, Object value, boolean flow) {
        if (flow && schema.equals("interactive.action.parameters")) {
            return;
        }
        if (value instanceof Map<?, ?> m && FIELDS.containsKey(schema)) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!FIELDS.get(schema).contains(key)) {
                    throw SendRejected.invalid(field + "." + key, field + "." + key + " is not a field WaBridge sends; "
                            + field + " may have " + new TreeSet<>(FIELDS.get(schema)));
                }
                onlyKnownFields(schema + "." + key, field + "." + key, e.getValue(), flow);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                onlyKnownFields(schema + "[]", field + "[" + i + "]", list.get(i), flow);
            }
        }
    }

    private static Media media(Media.Kind kind, Map<?, ?> c, String at) {
        Object id = c.get("id");
        if (id != null && !(id instanceof String || id instanceof Number)) {
            throw SendRejected.invalid(at, at + " needs exactly one of id (an uploaded media id) or link (https)");
        }
        return new Media(kind, id == null ? null : id.toString(), string(c, "link", at + ".link"), string(c, "caption", at + ".caption"),
                string(c, "filename", at + ".filename"));
    }

    private static OutboundContent.Template template(Map<?, ?> c) {
        Map<?, ?> language = c.get("language") instanceof Map<?, ?> l ? l : Map.of();
        Object components = c.get("components");
        if (components != null && !(components instanceof List<?>)) {
            throw SendRejected.invalid("template.components", "template.components must be a list");
        }
        return new OutboundContent.Template(string(c, "name", "template.name"),
                language.get("code") instanceof String code ? code : null,
                language.get("policy") instanceof String policy ? policy : null,
                components == null ? null : new ArrayList<>((List<?>) components));
    }

    private static OutboundContent.Interactive interactive(Map<?, ?> c) {
        String kind = string(c, "type", "interactive.type");
        OutboundContent.Header header = null;
        if (c.get("header") != null) {
            Map<?, ?> h = c.get("header") instanceof Map<?, ?> m ? m : Map.of();
            String type = h.get("type") instanceof String t ? t : null;
            Media.Kind mediaKind = Media.Kind.of(type);
            Media media = mediaKind != null && h.get(type) instanceof Map<?, ?> m ? media(mediaKind, m, "interactive.header." + type) : null;
            header = new OutboundContent.Header(type, string(h, "text", "interactive.header.text"), media);
        }
        Map<?, ?> action = c.get("action") instanceof Map<?, ?> a ? a : null;
        return new OutboundContent.Interactive(kind, header, text(c.get("body"), "interactive.body.text"),
                text(c.get("footer"), "interactive.footer.text"), action == null || kind == null ? null : action(kind, action));
    }

    /** The {@code text} of a body or footer object; an object without one reads as empty (which the checks refuse). */
    private static String text(Object holder, String field) {
        if (holder == null) {
            return null;
        }
        String text = holder instanceof Map<?, ?> m ? string(m, "text", field) : null;
        return text == null ? "" : text;
    }

    private static Action action(String kind, Map<?, ?> a) {
        return switch (kind) {
            case "button" -> {
                if (!(a.get("buttons") instanceof List<?> list)) {
                    yield new OutboundContent.Buttons(null);
                }
                List<OutboundContent.ReplyButton> buttons = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String at = "interactive.action.buttons[" + i + "].reply";
                    Map<?, ?> reply = list.get(i) instanceof Map<?, ?> b && b.get("reply") instanceof Map<?, ?> r ? r : Map.of();
                    buttons.add(new OutboundContent.ReplyButton(string(reply, "id", at + ".id"), string(reply, "title", at + ".title")));
                }
                yield new OutboundContent.Buttons(buttons);
            }
            case "list" -> {
                List<OutboundContent.Section> sections = null;
                if (a.get("sections") instanceof List<?> list) {
                    sections = new ArrayList<>();
                    for (int s = 0; s < list.size(); s++) {
                        String at = "interactive.action.sections[" + s + "]";
                        Map<?, ?> section = list.get(s) instanceof Map<?, ?> m ? m : Map.of();
                        List<OutboundContent.Row> rows = null;
                        if (section.get("rows") instanceof List<?> given) {
                            rows = new ArrayList<>();
                            for (int r = 0; r < given.size(); r++) {
                                String rowAt = at + ".rows[" + r + "]";
                                Map<?, ?> row = given.get(r) instanceof Map<?, ?> m ? m : Map.of();
                                rows.add(new OutboundContent.Row(string(row, "id", rowAt + ".id"), string(row, "title", rowAt + ".title"),
                                        string(row, "description", rowAt + ".description")));
                            }
                        }
                        sections.add(new OutboundContent.Section(string(section, "title", at + ".title"), rows));
                    }
                }
                yield new OutboundContent.ListAction(string(a, "button", "interactive.action.button"), sections);
            }
            case "cta_url" -> {
                Map<?, ?> p = a.get("parameters") instanceof Map<?, ?> m ? m : Map.of();
                yield new OutboundContent.CtaUrl(string(p, "display_text", "interactive.action.parameters.display_text"),
                        p.get("url") instanceof String url ? url : null);
            }
            case "flow" -> {
                Map<String, Object> parameters = new LinkedHashMap<>();
                if (a.get("parameters") instanceof Map<?, ?> p) {
                    p.forEach((k, v) -> parameters.put(String.valueOf(k), v));
                }
                yield new OutboundContent.Flow(parameters);
            }
            case "location_request_message" -> new OutboundContent.LocationRequest();
            default -> null;
        };
    }

    /** The string at {@code key}, or null when it is missing. @throws SendRejected when it is not a string */
    private static String string(Map<?, ?> c, String key, String field) {
        Object v = c.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw SendRejected.invalid(field, field + " must be a non-empty string");
    }

    private static Boolean bool(Map<?, ?> c, String key, String field) {
        Object v = c.get(key);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw SendRejected.invalid(field, field + " must be true or false");
    }

    /** A JSON number, or a string holding one; null otherwise (the checks refuse it). */
    private static BigDecimal number(Object v) {
        if (v instanceof Number || v instanceof String) {
            try {
                return new BigDecimal(v.toString().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    // ----- writing -------------------------------------------------------------------------------------------------

    /** The object Meta's message has under its {@code type} (a list for a contacts message). */
    public static Object write(OutboundContent content) {
        return switch (content) {
            case OutboundContent.Text t -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("body", t.body());
                putIfPresent(o, "preview_url", t.previewUrl());
                yield o;
            }
            case Media m -> media(m);
            case OutboundContent.Template t -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", t.name());
                Map<String, Object> language = new LinkedHashMap<>();
                language.put("code", t.languageCode());
                putIfPresent(language, "policy", t.languagePolicy());
                o.put("language", language);
                putIfPresent(o, "components", t.components());
                yield o;
            }
            case OutboundContent.Interactive i -> interactive(i);
            case OutboundContent.Reaction r -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("message_id", r.messageId());
                o.put("emoji", r.emoji());
                yield o;
            }
            case OutboundContent.Location l -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("latitude", l.latitude());
                o.put("longitude", l.longitude());
                putIfPresent(o, "name", l.name());
                putIfPresent(o, "address", l.address());
                yield o;
            }
            case OutboundContent.Contacts c -> c.contacts();
        };
    }

    /**
     * The content as the outbox, the outbound queue and the read API keep it: Meta's object, a contacts message's list
     * under {@code "contacts"}.
     */
    public static Map<String, Object> stored(OutboundContent content) {
        Object o = write(content);
        if (content instanceof OutboundContent.Contacts) {
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("contacts", o);
            return wrapped;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) o;
        return map;
    }

    /** The body of Meta's {@code POST /{phone-number-id}/messages} for one message. */
    public static Map<String, Object> message(MetaMessages.Message m) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("messaging_product", "whatsapp");
        p.put("recipient_type", "individual");
        p.put(SendValidation.isBsuid(m.to()) ? "recipient" : "to", m.to());
        p.put("type", m.content().type());
        p.put(m.content().type(), write(m.content()));
        if (m.replyTo() != null) {
            p.put("context", Map.of("message_id", m.replyTo()));
        }
        putIfPresent(p, "biz_opaque_callback_data", m.callbackData());
        return p;
    }

    /** The body of Meta's read receipt for {@code wamid}, with the typing indicator when {@code typing}. */
    public static Map<String, Object> markRead(String wamid, boolean typing) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("messaging_product", "whatsapp");
        p.put("status", "read");
        p.put("message_id", wamid);
        if (typing) {
            p.put("typing_indicator", Map.of("type", "text"));
        }
        return p;
    }

    private static Map<String, Object> media(Media m) {
        Map<String, Object> o = new LinkedHashMap<>();
        putIfPresent(o, "id", m.id());
        putIfPresent(o, "link", m.link());
        putIfPresent(o, "caption", m.caption());
        putIfPresent(o, "filename", m.filename());
        return o;
    }

    private static Map<String, Object> interactive(OutboundContent.Interactive i) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", i.kind());
        if (i.header() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("type", i.header().type());
            putIfPresent(h, "text", i.header().text());
            if (i.header().media() != null) {
                h.put(i.header().type(), media(i.header().media()));
            }
            o.put("header", h);
        }
        if (i.body() != null) {
            o.put("body", Map.of("text", i.body()));
        }
        if (i.footer() != null) {
            o.put("footer", Map.of("text", i.footer()));
        }
        if (i.action() != null) {
            o.put("action", action(i.action()));
        }
        return o;
    }

    private static Map<String, Object> action(Action action) {
        Map<String, Object> a = new LinkedHashMap<>();
        switch (action) {
            case OutboundContent.Buttons b -> {
                List<Object> buttons = new ArrayList<>();
                for (OutboundContent.ReplyButton r : b.buttons()) {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("id", r.id());
                    reply.put("title", r.title());
                    Map<String, Object> button = new LinkedHashMap<>();
                    button.put("type", "reply");
                    button.put("reply", reply);
                    buttons.add(button);
                }
                a.put("buttons", buttons);
            }
            case OutboundContent.ListAction l -> {
                a.put("button", l.button());
                List<Object> sections = new ArrayList<>();
                for (OutboundContent.Section s : l.sections()) {
                    Map<String, Object> section = new LinkedHashMap<>();
                    putIfPresent(section, "title", s.title());
                    List<Object> rows = new ArrayList<>();
                    for (OutboundContent.Row r : s.rows()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", r.id());
                        row.put("title", r.title());
                        putIfPresent(row, "description", r.description());
                        rows.add(row);
                    }
                    section.put("rows", rows);
                    sections.add(section);
                }
                a.put("sections", sections);
            }
            case OutboundContent.CtaUrl c -> {
                a.put("name", "cta_url");
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("display_text", c.displayText());
                parameters.put("url", c.url());
                a.put("parameters", parameters);
            }
            case OutboundContent.Flow f -> {
                a.put("name", "flow");
                a.put("parameters", f.parameters());
            }
            case OutboundContent.LocationRequest r -> a.put("name", "send_location");
        }
        return a;
    }

    private static void putIfPresent(Map<String, Object> o, String key, Object value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
