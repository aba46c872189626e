package io.wabridge.adapters.meta;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.messaging.InboundTextMessage;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Meta's webhook JSON ({@code object=whatsapp_business_account}, {@code entry[].changes[]}) into
 * domain values. The only place Meta's webhook field names live.
 */
public final class MetaWebhookParser {

    /** The body is not JSON, or not shaped like a WhatsApp webhook. Carries no body text. */
    public static final class MalformedWebhook extends RuntimeException {
        public MalformedWebhook(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every text message in the delivery; other update kinds are left for the inbound pipeline issue. */
    public List<InboundTextMessage> textMessages(String body) {
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
