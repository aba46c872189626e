package io.wabridge.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.meta.OutboundContentJson;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.BotHook;
import io.wabridge.core.webhook.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls a tenant's bot hook: {@code POST} of {@code {"tenantId","channel","sentAt","message":{...}}} with
 * {@code X-WaBridge-Signature: sha256=<hex HMAC-SHA256 of the body with the hook's secret>} (Meta's webhook scheme). A 2xx answer may
 * be {@code {"replies":[{"type":"text","text":{"body":"..."}}, ...]}}; anything else is a failure to retry.
 */
public final class HttpBotHook implements BotHook {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final TenantUrlPolicy urls;

    /** @param urls checks the hook's URL at each call and makes the call, bounded in time and bytes */
    public HttpBotHook(Clock clock, TenantUrlPolicy urls) {
        this.clock = clock;
        this.urls = urls;
    }

    @Override
    public List<Reply> call(URI url, String secret, Duration timeout, TenantId tenant, MessageHistory.StoredMessage m) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", m.wamid());
        message.put("type", m.type());
        message.put("timestamp", m.sentAt() == null ? null : m.sentAt().toString());
        message.put("contact", m.contactKey());
        Map<String, Object> from = new LinkedHashMap<>();
        from.put("waId", m.waId());
        from.put("userId", m.userId());
        from.put("profileName", m.profileName());
        message.put("from", from);
        if (m.contextWamid() != null) {
            message.put("context", Map.of("id", m.contextWamid()));
        }
        byte[] body;
        try {
            message.put("content", m.contentJson() == null ? null : JSON.readTree(m.contentJson()));
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("tenantId", tenant.value());
            payload.put("channel", m.phoneNumberId());
            payload.put("sentAt", clock.instant().toString());
            payload.put("message", message);
            body = JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalStateException("message not serialisable", e);
        }
        TenantUrlPolicy.Response response;
        try {
            response = urls.post(url, Map.of("Content-Type", "application/json",
                    "X-WaBridge-Signature", WebhookSignature.withSecret(secret).sign(body)), body, timeout);
        } catch (TenantUrlPolicy.Refused e) {
            throw new HookRefused("bot hook URL refused: " + e.getMessage());
        } catch (IOException e) {
            throw new HookFailed("bot hook call failed: " + e.getClass().getSimpleName(), e);
        }
        if (response.status() / 100 != 2) {
            throw new HookFailed("bot hook answered " + response.status(), null);
        }
        return replies(response.body());
    }

    static List<Reply> replies(byte[] body) {
        List<Reply> out = new ArrayList<>();
        if (body.length == 0) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return out;   // not JSON: no replies
        }
        for (JsonNode r : root.path("replies")) {
            String type = r.path("type").asText("");
            String replyTo = r.path("context").path("message_id").asText(null);
            try {
                out.add(new Reply(OutboundContentJson.parse(type, r.has(type) ? JSON.convertValue(r.get(type), Object.class) : null), replyTo));
            } catch (io.wabridge.core.send.SendRejected e) {
                out.add(new Reply(null, replyTo, e));   // refused as a send would be, with a reason event
            }
        }
        return out;
    }
}
