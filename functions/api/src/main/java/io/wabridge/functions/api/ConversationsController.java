package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;
import static io.wabridge.adapters.lambda.HttpResponses.query;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import java.io.IOException;
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

    /** A conversation of a channel: the contact, its ids and profile name, and when it last wrote. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record ConversationView(String contact, String waId, String userId, String profileName, String lastInboundAt) {}

    /** {@code GET /v1/channels/{phoneNumberId}/conversations?limit=&cursor=}. */
    APIGatewayV2HTTPResponse conversations(HttpRequest r) {
        String channel = r.path("phoneNumberId");
        if (!channel.matches("[0-9]{1,32}")) {
            return error(400, "channel_invalid", "phoneNumberId must be Meta's numeric phone number id");
        }
        var unknown = unknownChannel(r.tenant(), channel);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        return paged(r, (limit, cursor) -> {
            var page = history.conversations(r.tenant(), channel, limit, cursor);
            return new MessageView.Page<>(page.items().stream().map(c -> new ConversationView(c.contactKey(), c.waId(), c.userId(),
                    c.profileName(), c.lastInboundAt().toString())).toList(), page.nextCursor());
        });
    }

    /** {@code GET /v1/channels/{phoneNumberId}/conversations/{contact}/messages?limit=&cursor=}. */
    APIGatewayV2HTTPResponse messages(HttpRequest r) {
        String channel = r.path("phoneNumberId");
        String contact = r.path("contact");
        if (!channel.matches("[0-9]{1,32}") || contact == null || contact.isBlank() || contact.contains("#")) {
            return error(400, "conversation_invalid", "phoneNumberId must be numeric and contact a wa_id or BSUID");
        }
        var unknown = unknownChannel(r.tenant(), channel);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        return paged(r, (limit, cursor) -> {
            var page = history.messages(r.tenant(), channel, contact, limit, cursor);
            return new MessageView.Page<>(page.items().stream().map(MessageView::of).toList(), page.nextCursor());
        });
    }

    private interface PageQuery {
        MessageView.Page<?> run(int limit, String cursor);
    }

    private static APIGatewayV2HTTPResponse paged(HttpRequest r, PageQuery query) {
        int limit;
        try {
            limit = Integer.parseInt(r.query("limit").orElse("20"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "limit_invalid", "limit must be a number from 1 to 100");
        }
        try {
            return json(200, query.run(limit, r.query("cursor").orElse(null)));
        } catch (MessageHistory.InvalidCursor e) {
            return error(400, "cursor_invalid", "cursor must be a nextCursor this API returned for the same query");
        }
    }

    /** Who answers a conversation now. */
    record Answering(String conversation, String answeredBy) {}

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
            return found ? json(200, new Answering(event.getPathParameters().get("id"), toHuman ? "human" : "bot"))
                    : HttpResponses.error(404, "conversation_unknown", "no conversation " + event.getPathParameters().get("id") + " for this tenant");
        } catch (IOException e) {
            return HttpResponses.error(400, "body_invalid", "the body must be a JSON object (or empty)");
        } catch (SettingsRejected e) {
            return HttpResponses.error(400, "invalid_" + e.field(), e.getMessage(), e.field());
        }
    }
}
