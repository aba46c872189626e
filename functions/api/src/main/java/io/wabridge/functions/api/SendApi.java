package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.header;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.send.AcceptSend;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code POST /v1/messages} (accepted for the sender, 202), reading a send back, and mark-as-read. */
final class SendApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks an inbound message read (optionally showing the typing indicator) with the channel's token. */
    interface ReadReceipts {
        void markRead(TenantId tenant, String phoneNumberId, String wamid, boolean typing);
    }

    /** Finds a send by WaBridge id or by Meta's wamid. */
    interface Sends {
        Optional<OutboundMessage> byId(TenantId tenant, String id);

        Optional<OutboundMessage> byWamid(TenantId tenant, String wamid);
    }

    private final AcceptSend accept;
    private final Sends sends;
    private final MessageHistory history;
    private final ReadReceipts receipts;

    SendApi(AcceptSend accept, Sends sends, MessageHistory history, ReadReceipts receipts) {
        this.accept = accept;
        this.sends = sends;
        this.history = history;
        this.receipts = receipts;
    }

    APIGatewayV2HTTPResponse send(TenantId tenant, APIGatewayV2HTTPEvent event) {
        Map<String, Object> body;
        try {
            body = JSON.readValue(HttpResponses.rawBody(event), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            return error(400, "body_invalid", "the body must be a JSON object");
        }
        String type = body.get("type") instanceof String t ? t : null;
        Object content = type == null ? null : body.get(type);
        if ("contacts".equals(type) && content instanceof java.util.List<?> list) {
            content = Map.of("contacts", list);   // Meta's contacts message is a list; kept under one key
        }
        Object context = body.get("context");
        String replyTo = context instanceof Map<?, ?> c && c.get("message_id") instanceof String id ? id : null;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = content instanceof Map<?, ?> ? (Map<String, Object>) content : null;
            AcceptSend.Accepted accepted = accept.accept(new SendRequest(tenant, string(body, "channel"), string(body, "to"), type, typed,
                    replyTo, header(event, "idempotency-key").orElse(null)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", accepted.id());
            out.put("state", accepted.state());
            if (accepted.repeated()) {
                out.put("repeated", true);
            }
            return json(202, out);
        } catch (SendRejected e) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", e.code());
            err.put("message", e.getMessage());
            if (e.field() != null) {
                err.put("field", e.field());
            }
            return json(e.status(), Map.of("error", err));
        }
    }

    /** A send by its WaBridge id ({@code msg_...}), with Meta's statuses once it has a wamid. */
    Optional<APIGatewayV2HTTPResponse> read(TenantId tenant, String id) {
        Optional<OutboundMessage> m = id.startsWith("msg_") ? sends.byId(tenant, id) : sends.byWamid(tenant, id);
        return m.map(message -> json(200, view(tenant, message)));
    }

    private Map<String, Object> view(TenantId tenant, OutboundMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("channel", m.phoneNumberId());
        out.put("to", m.to());
        out.put("direction", "outbound");
        out.put("type", m.type());
        out.put("content", m.content());
        if (m.replyTo() != null) {
            out.put("context", Map.of("id", m.replyTo()));
        }
        out.put("state", m.state());
        out.put("attempts", m.attempts());
        if (m.errorCode() != null || m.error() != null) {
            Map<String, Object> err = new LinkedHashMap<>();
            if (m.errorCode() != null) {
                err.put("code", m.errorCode());
            }
            if (m.error() != null) {
                err.put("message", m.error());
            }
            out.put("lastError", err);
        }
        out.put("createdAt", m.createdAt().toString());
        out.put("updatedAt", m.updatedAt().toString());
        if (m.wamid() != null) {
            out.put("wamid", m.wamid());
            history.message(tenant, m.wamid()).filter(s -> s.status() != null).ifPresent(s -> {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("current", s.status());
                Map<String, String> times = new LinkedHashMap<>();
                s.statusTimes().forEach((k, v) -> times.put(k, v.toString()));
                status.put("history", times);
                out.put("status", status);
            });
        }
        return out;
    }

    APIGatewayV2HTTPResponse markRead(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String wamid = event.getPathParameters().get("wamid");
        Optional<MessageHistory.StoredMessage> message = history.message(tenant, wamid).filter(m -> "inbound".equals(m.direction()));
        if (message.isEmpty()) {
            return error(404, "message_unknown", "no inbound message " + wamid + " for this tenant");
        }
        boolean typing;
        try {
            var body = HttpResponses.rawBody(event).length == 0 ? JSON.createObjectNode() : JSON.readTree(HttpResponses.rawBody(event));
            typing = body.path("typing").asBoolean(false);
        } catch (IOException e) {
            return error(400, "body_invalid", "the body must be a JSON object (or empty)");
        }
        try {
            receipts.markRead(tenant, message.get().phoneNumberId(), wamid, typing);
        } catch (MetaApiException e) {
            return error(502, "meta_refused", "Meta refused the read receipt (error " + e.code() + ")");
        } catch (IllegalStateException e) {
            return error(409, "channel_token_missing", e.getMessage());
        }
        return json(200, Map.of("id", wamid, "read", true, "typing", typing));
    }

    private static String string(Map<String, Object> body, String key) {
        return body.get(key) instanceof String s ? s : body.get(key) == null ? null : String.valueOf(body.get(key));
    }
}
