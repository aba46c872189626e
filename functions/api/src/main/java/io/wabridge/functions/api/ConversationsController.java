package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;
import static io.wabridge.adapters.lambda.HttpResponses.query;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.MessageHistory.StoredMessage;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's conversations and their message history (newest first, paged with opaque cursors), and the bot/human
 * handoff of a conversation.
 */
final class ConversationsController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageHistory history;
    private final io.wabridge.core.tenant.Handoff handoff;
    private final io.wabridge.core.channel.Channels channels;

    ConversationsController(MessageHistory history, io.wabridge.core.channel.Channels channels, io.wabridge.core.tenant.Handoff handoff) {
        this.handoff = handoff;
        this.history = history;
        this.channels = channels;
    }

    /**
     * 404 unless the number is one of the tenant's channels (a disconnected one keeps its history) or the tenant has
     * conversations on it (a number routed to it by hand, locally). Another tenant's number is never either.
     */
    private java.util.Optional<APIGatewayV2HTTPResponse> unknownChannel(TenantId tenant, String channel) {
        boolean known = channels.get(tenant, channel).isPresent() || !history.conversations(tenant, channel, 1, null).items().isEmpty();
        return known ? java.util.Optional.empty()
                : java.util.Optional.of(error(404, "channel_unknown", "no channel " + channel + " for this tenant"));
    }

    APIGatewayV2HTTPResponse conversations(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String channel = event.getPathParameters().get("phoneNumberId");
        if (!channel.matches("[0-9]{1,32}")) {
            return error(400, "channel_invalid", "phoneNumberId must be Meta's numeric phone number id");
        }
        var unknown = unknownChannel(tenant, channel);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        return paged(event, (limit, cursor) -> {
            var page = history.conversations(tenant, channel, limit, cursor);
            List<Map<String, Object>> items = new ArrayList<>();
            page.items().forEach(c -> items.add(compact(Map.of("contact", c.contactKey(), "waId", nullable(c.waId()),
                    "userId", nullable(c.userId()), "profileName", nullable(c.profileName()), "lastInboundAt", c.lastInboundAt().toString()))));
            return body(items, page.nextCursor());
        });
    }

    APIGatewayV2HTTPResponse messages(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String channel = event.getPathParameters().get("phoneNumberId");
        String contact = event.getPathParameters().get("contact");
        if (!channel.matches("[0-9]{1,32}") || contact == null || contact.isBlank() || contact.contains("#")) {
            return error(400, "conversation_invalid", "phoneNumberId must be numeric and contact a wa_id or BSUID");
        }
        var unknown = unknownChannel(tenant, channel);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        return paged(event, (limit, cursor) -> {
            var page = history.messages(tenant, channel, contact, limit, cursor);
            List<Map<String, Object>> items = new ArrayList<>();
            page.items().forEach(m -> items.add(view(m)));
            return body(items, page.nextCursor());
        });
    }

    private interface PageQuery {
        Map<String, Object> run(int limit, String cursor);
    }

    private static APIGatewayV2HTTPResponse paged(APIGatewayV2HTTPEvent event, PageQuery query) {
        int limit;
        try {
            limit = Integer.parseInt(query(event, "limit").orElse("20"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "limit_invalid", "limit must be a number from 1 to 100");
        }
        try {
            return json(200, query.run(limit, query(event, "cursor").orElse(null)));
        } catch (MessageHistory.InvalidCursor e) {
            return error(400, "cursor_invalid", "cursor must be a nextCursor this API returned for the same query");
        }
    }

    private static Map<String, Object> body(List<Map<String, Object>> items, String next) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("nextCursor", next);
        return out;
    }

    static Map<String, Object> view(StoredMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.wamid());
        out.put("channel", m.phoneNumberId());
        out.put("contact", m.contactKey());
        out.put("direction", m.direction());
        out.put("type", m.type());
        out.put("timestamp", m.sentAt() == null ? null : m.sentAt().toString());
        out.put("from", m.direction().equals("inbound") ? compact(Map.of("waId", nullable(m.waId()), "userId", nullable(m.userId()),
                "profileName", nullable(m.profileName()))) : null);
        out.put("context", m.contextWamid() == null ? null : Map.of("id", m.contextWamid()));
        out.put("content", parse(m.contentJson()));
        if (m.media() != null) {
            out.put("media", compact(Map.of("status", m.media().status(), "mimeType", nullable(m.media().mimeType()),
                    "size", nullable(m.media().size()), "reason", nullable(m.media().reason()))));
        }
        if (m.status() != null) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("current", m.status());
            Map<String, String> times = new LinkedHashMap<>();
            m.statusTimes().forEach((k, v) -> times.put(k, v.toString()));
            status.put("history", times);
            status.put("errors", parse(m.errorsJson()));
            out.put("status", compact(status));
        }
        return compact(out);
    }

    private static Object parse(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    private static Object nullable(Object o) {
        return o == null ? NULL : o;
    }

    private static final Object NULL = new Object();

    private static Map<String, Object> compact(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (v != null && v != NULL) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** {@code POST /v1/conversations/{id}/handoff} ({@code {"timeoutMinutes"}} optional) and {@code .../resume}. */
    APIGatewayV2HTTPResponse handoff(TenantId tenant, APIGatewayV2HTTPEvent event, boolean toHuman) {
        try {
            var id = io.wabridge.core.tenant.Handoff.ConversationId.parse(event.getPathParameters().get("id"));
            boolean found;
            if (toHuman) {
                Map<String, Object> body = HttpResponses.rawBody(event).length == 0 ? Map.of()
                        : JSON.readValue(HttpResponses.rawBody(event), new TypeReference<Map<String, Object>>() { });
                Object minutes = body.get("timeoutMinutes");
                if (minutes != null && !(minutes instanceof Number)) {
                    throw new SettingsRejected("timeoutMinutes", "timeoutMinutes must be a number");
                }
                found = handoff.handoff(tenant, id, minutes == null ? null : java.time.Duration.ofMinutes(((Number) minutes).longValue()),
                        HttpResponses.claim(event, "sub").orElse("unknown"));
            } else {
                found = handoff.resume(tenant, id);
            }
            return found ? json(200, Map.of("conversation", event.getPathParameters().get("id"), "answeredBy", toHuman ? "human" : "bot"))
                    : HttpResponses.error(404, "conversation_unknown", "no conversation " + event.getPathParameters().get("id") + " for this tenant");
        } catch (IOException e) {
            return HttpResponses.error(400, "body_invalid", "the body must be a JSON object (or empty)");
        } catch (SettingsRejected e) {
            return HttpResponses.error(400, "invalid_" + e.field(), e.getMessage(), e.field());
        }
    }
}
