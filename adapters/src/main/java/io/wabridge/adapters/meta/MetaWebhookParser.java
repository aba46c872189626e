package io.wabridge.adapters.meta;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.messaging.InboundTextMessage;
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
        List<WebhookUpdate> out = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            String entryId = entry.path("id").asText("");
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
                            out.add(update(entryId, field, single, conversationGroup(value, array, item)));
                            split = true;
                        }
                    }
                }
                if (!split) {
                    out.add(update(entryId, field, (ObjectNode) value, wabaGroup(entryId, value)));
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

    private static WebhookUpdate update(String entryId, String field, ObjectNode value, String group) {
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "whatsapp_business_account");
        ObjectNode entry = body.putArray("entry").addObject();
        entry.put("id", entryId);
        ObjectNode change = entry.putArray("changes").addObject();
        change.set("value", value);
        change.put("field", field);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new WebhookUpdate(group, sha256(bytes), bytes);
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

    /** Every text message in the delivery; other update kinds are left for the inbound pipeline issue. */
    public List<InboundTextMessage> textMessages(String body) {
        JsonNode root = read(body);
        List<InboundTextMessage> out = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                if (!"messages".equals(change.path("field").asText())) {
                    continue;
                }
                JsonNode value = change.path("value");
                String phoneNumberId = value.path("metadata").path("phone_number_id").asText(null);
                for (JsonNode message : value.path("messages")) {
                    if (!"text".equals(message.path("type").asText())) {
                        continue;
                    }
                    out.add(text(phoneNumberId, message));
                }
            }
        }
        return out;
    }

    private static InboundTextMessage text(String phoneNumberId, JsonNode m) {
        String from = m.hasNonNull("from") ? m.get("from").asText() : m.path("user_id").asText(null);
        try {
            return new InboundTextMessage(new PhoneNumberId(phoneNumberId), from, new Wamid(m.path("id").asText(null)),
                    Instant.ofEpochSecond(Long.parseLong(m.path("timestamp").asText())), m.path("text").path("body").asText(""));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedWebhook("text message is missing a required field: " + e.getMessage());
        }
    }
}
