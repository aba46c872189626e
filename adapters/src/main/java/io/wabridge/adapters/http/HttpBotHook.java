package io.wabridge.adapters.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.BotHook;
import io.wabridge.core.webhook.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Clock clock;

    public HttpBotHook(Clock clock) {
        this.clock = clock;
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
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("content-type", "application/json")
                    .header("x-wabridge-signature", WebhookSignature.withSecret(secret).sign(body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new HookFailed("bot hook call failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookFailed("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new HookFailed("bot hook answered " + response.statusCode(), null);
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
            JsonNode content = r.path(type);
            Map<String, Object> map;
            if (type.equals("contacts") && content.isArray()) {
                map = Map.of("contacts", JSON.convertValue(content, new TypeReference<List<Object>>() { }));
            } else if (content.isObject()) {
                map = JSON.convertValue(content, new TypeReference<Map<String, Object>>() { });
            } else {
                map = null;   // refused by the send checks, with a reason event
            }
            out.add(new Reply(type, map, r.path("context").path("message_id").asText(null)));
        }
        return out;
    }
}
