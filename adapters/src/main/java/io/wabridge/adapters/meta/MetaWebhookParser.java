package io.wabridge.adapters.meta;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.MediaRef;
import io.wabridge.core.inbound.InboundUpdate;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.webhook.MalformedWebhook;
import io.wabridge.core.webhook.WebhookSplitter;
import io.wabridge.core.webhook.WebhookUpdate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Meta's webhook JSON ({@code object=whatsapp_business_account}, {@code entry[].changes[]}) into
 * domain values. The only place Meta's webhook field names live.
 */
public final class MetaWebhookParser implements WebhookSplitter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code object} of WhatsApp Business Account webhooks. */
    private static final String OBJECT = "whatsapp_business_account";

    /** The arrays inside a {@code messages} change that hold one item per update. */
    private static final List<String> ITEM_ARRAYS = List.of("messages", "statuses", "user_preferences");

    /**
     * One update per item: each message, status and preference of a {@code messages} change, and each
     * other change whole. Each update is a Meta-shaped body with one entry, one change and one item, so
     * the same update always has the same bytes however Meta batched it.
     */
    @Override
    public List<WebhookUpdate> split(byte[] rawBody) {
        JsonNode root = read(new String(rawBody, StandardCharsets.UTF_8));
        JsonNode object = root.path("object");
        if (!object.isTextual()) {
            throw new MalformedWebhook("webhook body has no object");
        }
        if (!object.asText().equals(OBJECT)) {
            // One app, one callback URL, several products: Meta signs every object's deliveries with the same secret.
            throw new OtherObject("object " + object.asText().replaceAll("[^A-Za-z0-9_]", "?") + " is not " + OBJECT);
        }
        List<WebhookUpdate> out = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            String entryId = entry.path("id").asText("");
            JsonNode entryTime = entry.path("time").canConvertToLong() ? entry.path("time") : null;
            for (JsonNode change : entry.path("changes")) {
                String field = change.path("field").asText("");
                JsonNode value = change.path("value");
                if (field.isEmpty() || !value.isObject()) {
                    throw new MalformedWebhook("a change has no field or value");
                }
                boolean split = false;
                if (field.equals("messages")) {
                    for (String array : ITEM_ARRAYS) {
                        for (JsonNode item : value.path(array)) {
                            ObjectNode single = ((ObjectNode) value).deepCopy();
                            ITEM_ARRAYS.forEach(single::remove);
                            ((ArrayNode) single.putArray(array)).add(item);
                            out.add(update(entryId, entryTime, field, single, conversationGroup(value, array, item)));
                            split = true;
                        }
                    }
                }
                if (!split) {
                    out.add(update(entryId, entryTime, field, (ObjectNode) value, wabaGroup(entryId, value)));
                }
            }
        }
        return out;
    }

    private static String conversationGroup(JsonNode value, String array, JsonNode item) {
        String number = value.path("metadata").path("phone_number_id").asText("unknown");
        String contact = switch (array) {
            case "messages" -> item.hasNonNull("from") ? item.get("from").asText() : item.path("from_user_id").asText("");
            case "statuses" -> item.hasNonNull("recipient_id") ? item.get("recipient_id").asText() : item.path("recipient_user_id").asText("");
            default -> item.hasNonNull("wa_id") ? item.get("wa_id").asText() : item.path("user_id").asText("");
        };
        return truncate("pn:" + number + ":" + contact);
    }

    /** Account and template events: per WABA, read from the value where the field names it there. */
    private static String wabaGroup(String entryId, JsonNode value) {
        String waba = value.path("waba_info").path("waba_id").asText(entryId);
        if (value.path("metadata").hasNonNull("phone_number_id")) {
            return truncate("pn:" + value.path("metadata").path("phone_number_id").asText());
        }
        return truncate("waba:" + waba);
    }

    private static String truncate(String group) {
        String safe = group.replaceAll("[^A-Za-z0-9.:_-]", "_");
        return safe.length() <= 128 ? safe : safe.substring(0, 128);
    }

    /**
     * One update's body. Meta's {@code entry.time} is kept (template changes are ordered by it) but left out of the
     * deduplication id, so a redelivery stamped with another time is still the same update.
     */
    private static WebhookUpdate update(String entryId, JsonNode entryTime, String field, ObjectNode value, String group) {
        ObjectNode body = JSON.createObjectNode();
        body.put("object", OBJECT);
        ObjectNode entry = body.putArray("entry").addObject();
        entry.put("id", entryId);
        ObjectNode change = entry.putArray("changes").addObject();
        change.set("value", value);
        change.put("field", field);
        try {
            String dedupe = sha256(JSON.writeValueAsBytes(body));
            if (entryTime != null) {
                entry.set("time", entryTime);
            }
            return new WebhookUpdate(group, dedupe, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedWebhook("webhook body is not valid JSON (at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        if (root == null || !root.path("entry").isArray()) {
            throw new MalformedWebhook("webhook body has no entry[] array");
        }
        return root;
    }

    /** Message types Meta documents; any other is stored as {@code unsupported}. */
    private static final java.util.Set<String> KNOWN_TYPES = java.util.Set.of("text", "image", "audio", "video", "document",
            "sticker", "location", "contacts", "interactive", "button", "reaction", "order", "system", "unsupported",
            "request_welcome");

    /** Every update of a (split) delivery, read into domain values. */
    public List<InboundUpdate> updates(String body) {
        JsonNode root = read(body);
        List<InboundUpdate> out = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            String entryId = entry.path("id").asText("");
            Instant entryTime = entry.path("time").canConvertToLong() && entry.path("time").asLong() > 0
                    ? Instant.ofEpochSecond(entry.path("time").asLong()) : null;
            for (JsonNode change : entry.path("changes")) {
                String field = change.path("field").asText("");
                JsonNode value = change.path("value");
                PhoneNumberId number = phoneNumber(value);
                boolean read = false;
                if (field.equals("messages") && number != null) {
                    for (JsonNode message : value.path("messages")) {
                        out.add(message(number, value, message));
                        read = true;
                    }
                    for (JsonNode status : value.path("statuses")) {
                        InboundUpdate update = status(number, status);
                        out.add(update != null ? update : event(entryId, entryTime, number, field, value));
                        read = true;
                    }
                }
                if (!read) {
                    out.add(event(entryId, entryTime, number, field, value));
                }
            }
        }
        return out;
    }

    private static PhoneNumberId phoneNumber(JsonNode value) {
        String id = value.path("metadata").path("phone_number_id").asText(null);
        try {
            return id == null ? null : new PhoneNumberId(id);
        } catch (IllegalArgumentException e) {
            throw new MalformedWebhook("metadata.phone_number_id is not a phone number id");
        }
    }

    private static InboundUpdate.MessageReceived message(PhoneNumberId number, JsonNode value, JsonNode m) {
        String from = m.path("from").asText(null);
        String fromUser = m.path("from_user_id").asText(null);
        JsonNode profile = null;
        for (JsonNode c : value.path("contacts")) {
            if ((from != null && from.equals(c.path("wa_id").asText(null))) || (fromUser != null && fromUser.equals(c.path("user_id").asText(null)))) {
                profile = c;
            }
        }
        if (profile == null && value.path("contacts").size() == 1) {
            profile = value.path("contacts").get(0);
        }
        String userId = fromUser != null ? fromUser : profile == null ? null : profile.path("user_id").asText(null);
        String type = m.path("type").asText("unsupported");
        try {
            return new InboundUpdate.MessageReceived(number,
                    new Contact(from, userId, profile == null ? null : profile.path("profile").path("name").asText(null)),
                    new Wamid(m.path("id").asText(null)), Instant.ofEpochSecond(Long.parseLong(m.path("timestamp").asText("0"))),
                    KNOWN_TYPES.contains(type) ? type : "unsupported", m.path("context").path("id").asText(null), m.toString(),
                    media(type, m), said(type, m), changedTo(type, m));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedWebhook("a message is missing its id, sender or timestamp");
        }
    }

    /**
     * A user's new ids on a {@code system} message of type {@code user_changed_number}: {@code system.wa_id}
     * (and {@code system.user_id} when Meta adds the regenerated BSUID); see
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/
     */
    private static Contact changedTo(String type, JsonNode m) {
        JsonNode system = m.path("system");
        if (!type.equals("system") || !"user_changed_number".equals(system.path("type").asText())) {
            return null;
        }
        String waId = system.path("wa_id").asText(system.path("new_wa_id").asText(null));
        String userId = system.path("user_id").asText(null);
        return waId == null && userId == null ? null : new Contact(waId, userId, null);
    }

    /** What a keyword is matched against: a text's body, a button's payload and text, an interactive reply's id and title. */
    private static List<String> said(String type, JsonNode m) {
        JsonNode reply = m.path("interactive").path(m.path("interactive").path("type").asText(""));
        return switch (type) {
            case "text" -> java.util.Arrays.asList(m.path("text").path("body").asText(null));
            case "button" -> java.util.Arrays.asList(m.path("button").path("payload").asText(null), m.path("button").path("text").asText(null));
            case "interactive" -> java.util.Arrays.asList(reply.path("id").asText(null), reply.path("title").asText(null));
            default -> List.of();
        };
    }

    private static final java.util.Set<String> MEDIA_TYPES = java.util.Set.of("image", "audio", "video", "document", "sticker");

    /** The media of an image, audio, video, document or sticker message (null for others, or without an id). */
    private static MediaRef media(String type, JsonNode m) {
        JsonNode media = m.path(type);
        if (!MEDIA_TYPES.contains(type) || media.path("id").asText("").isEmpty()) {
            return null;
        }
        return new MediaRef(media.path("id").asText(), media.path("mime_type").asText(null), media.path("sha256").asText(null));
    }

    /** A status update, or null for a status kind this code does not know (kept as an event instead). */
    private static InboundUpdate.StatusChanged status(PhoneNumberId number, JsonNode s) {
        var status = MessageStatus.fromWire(s.path("status").asText(""));
        if (status.isEmpty()) {
            return null;
        }
        JsonNode errors = s.path("errors");
        JsonNode pricing = s.path("pricing");
        try {
            return new InboundUpdate.StatusChanged(number, new Wamid(s.path("id").asText(null)), status.get(),
                    Instant.ofEpochSecond(Long.parseLong(s.path("timestamp").asText("0"))),
                    s.hasNonNull("recipient_id") ? s.get("recipient_id").asText() : s.path("recipient_user_id").asText(null),
                    errors.isArray() && !errors.isEmpty() ? errors.get(0).path("code").asInt() : null,
                    errors.isArray() && !errors.isEmpty() ? errors.toString() : null,
                    pricing.path("category").asText(null), pricing.path("type").asText(null),
                    s.path("biz_opaque_callback_data").asText(null));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedWebhook("a status is missing its id or timestamp");
        }
    }

    private static InboundUpdate.WabaEvent event(String entryId, Instant entryTime, PhoneNumberId number, String field, JsonNode value) {
        String waba = value.path("waba_info").path("waba_id").asText(entryId);
        String json = value.toString();
        return new InboundUpdate.WabaEvent(waba, number, field, sha256((field + "|" + waba + "|" + json).getBytes(StandardCharsets.UTF_8)),
                json, change(waba, entryTime, number, field, value));
    }

    /** account_update events that end our access to the WABA: its channels are disconnected until signup runs again. */
    private static final java.util.Set<String> DISCONNECTING = java.util.Set.of("PARTNER_APP_UNINSTALLED", "PARTNER_REMOVED",
            "ACCOUNT_DELETED", "ACCOUNT_OFFBOARDED");

    /** What the field changes in the tenant's records, from the shape Meta documents for it (null: nothing). */
    private static AccountChange change(String waba, Instant at, PhoneNumberId number, String field, JsonNode v) {
        return switch (field) {
            case "message_template_status_update" -> new AccountChange.TemplateChange(waba, text(v, "message_template_id"),
                    text(v, "message_template_name"), language(v), text(v, "event"), null, text(v, "message_template_category"),
                    text(v, "reason"), rejectionText(v), null, null, false, at);
            case "message_template_quality_update" -> new AccountChange.TemplateChange(waba, text(v, "message_template_id"),
                    text(v, "message_template_name"), language(v), null, text(v, "new_quality_score"), text(v, "message_template_category"),
                    null, null, null, null, false, at);
            case "template_category_update" -> v.hasNonNull("correct_category")
                    // Impending: new_category is still the current one; correct_category applies from category_update_timestamp.
                    ? new AccountChange.TemplateChange(waba, text(v, "message_template_id"), text(v, "message_template_name"), language(v),
                            null, null, text(v, "new_category"), null, null, text(v, "correct_category"), epoch(v, "category_update_timestamp"), false, at)
                    : new AccountChange.TemplateChange(waba, text(v, "message_template_id"), text(v, "message_template_name"), language(v),
                            null, null, text(v, "new_category"), null, null, null, null, true, at);
            case "account_update" -> text(v, "event") == null ? null : wabaChange(waba, v);
            case "phone_number_quality_update" -> numberQuality(waba, v);
            case "phone_number_name_update" -> new AccountChange.NumberChange(waba, text(v, "display_phone_number"), "NAME_UPDATE",
                    null, null, null, text(v, "decision"));
            case "user_preferences" -> preference(number, v);
            default -> null;
        };
    }

    /** Meta writes template languages as en-US in webhooks and en_US in the Graph API: kept as the Graph API does. */
    private static String language(JsonNode v) {
        String language = text(v, "message_template_language");
        return language == null ? null : language.replace('-', '_');
    }

    /** Meta's explanation of a rejection, and its recommendation ({@code rejection_info}), or null. */
    private static String rejectionText(JsonNode v) {
        JsonNode info = v.path("rejection_info");
        String reason = text(info, "reason");
        String recommendation = text(info, "recommendation");
        if (reason == null && recommendation == null) {
            return null;
        }
        return reason == null ? recommendation : recommendation == null ? reason : reason + " " + recommendation;
    }

    private static AccountChange.WabaChange wabaChange(String waba, JsonNode v) {
        String event = text(v, "event");
        if (DISCONNECTING.contains(event)) {
            return new AccountChange.WabaChange(waba, event, AccountChange.WabaEffect.DISCONNECT, null);
        }
        if (event.equals("ACCOUNT_RECONNECTED")) {
            return new AccountChange.WabaChange(waba, event, AccountChange.WabaEffect.REINSTATE, null);
        }
        if (event.equals("DISABLED_UPDATE")) {
            // ban_info.waba_ban_state: DISABLE, SCHEDULE_FOR_DISABLE (still usable until then) or REINSTATE.
            String state = text(v.path("ban_info"), "waba_ban_state");
            return new AccountChange.WabaChange(waba, event, "REINSTATE".equals(state) ? AccountChange.WabaEffect.REINSTATE
                    : "DISABLE".equals(state) ? AccountChange.WabaEffect.DISABLE : AccountChange.WabaEffect.NONE, null);
        }
        if (event.equals("ACCOUNT_RESTRICTION")) {
            // restriction_info: [{restriction_type, expiration}]; a restriction of messaging holds the channel until it ends.
            Instant until = null;
            boolean messaging = false;
            for (JsonNode r : v.path("restriction_info").isArray() ? v.path("restriction_info") : List.of(v.path("restriction_info"))) {
                if (text(r, "restriction_type") != null && text(r, "restriction_type").contains("MESSAGING")) {
                    messaging = true;
                    Instant end = time(text(r, "expiration"));
                    until = end != null && (until == null || end.isAfter(until)) ? end : until;
                }
            }
            return new AccountChange.WabaChange(waba, event, messaging ? AccountChange.WabaEffect.RESTRICT : AccountChange.WabaEffect.NONE, until);
        }
        return new AccountChange.WabaChange(waba, event, AccountChange.WabaEffect.NONE, null);
    }

    /**
     * phone_number_quality_update: FLAGGED / UNFLAGGED move the quality rating (low / no longer low), UPGRADE /
     * DOWNGRADE the messaging limit ({@code max_daily_conversations_per_business}, or the older {@code current_limit}),
     * THROUGHPUT_UPGRADE the throughput (its {@code current_limit} names the throughput level, not a messaging limit).
     */
    private static AccountChange.NumberChange numberQuality(String waba, JsonNode v) {
        String event = text(v, "event");
        boolean throughput = "THROUGHPUT_UPGRADE".equals(event);
        String quality = "FLAGGED".equals(event) ? "RED" : "UNFLAGGED".equals(event) ? "GREEN" : null;
        String limit = throughput ? null : text(v, "max_daily_conversations_per_business") != null
                ? text(v, "max_daily_conversations_per_business") : text(v, "current_limit");
        return new AccountChange.NumberChange(waba, text(v, "display_phone_number"), event, quality, limit, throughput ? "HIGH" : null, null);
    }

    private static Instant epoch(JsonNode v, String field) {
        return v.path(field).canConvertToLong() && v.path(field).asLong() > 0 ? Instant.ofEpochSecond(v.path(field).asLong()) : null;
    }

    /** An ISO-8601 time as Meta writes it ({@code 2026-04-19T13:59:20+0000} or with a colon or Z), or null. */
    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX][XX]"))
                    .toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static AccountChange preference(PhoneNumberId number, JsonNode v) {
        JsonNode p = v.path("user_preferences").path(0);
        if (number == null || !"marketing_messages".equals(p.path("category").asText()) || p.isMissingNode()) {
            return null;
        }
        String waId = text(p, "wa_id");
        String userId = text(p, "user_id");
        if (waId == null && userId == null) {
            return null;
        }
        return new AccountChange.MarketingPreference(number, new Contact(waId, userId, null), "stop".equals(text(p, "value")),
                Instant.ofEpochSecond(p.path("timestamp").asLong(0)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }
}
