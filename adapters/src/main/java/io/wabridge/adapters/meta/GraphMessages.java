package io.wabridge.adapters.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.send.MetaMessages;

/** {@code POST /{phone-number-id}/messages} with the channel's business token. */
public final class GraphMessages implements MetaMessages {

    private final GraphClient graph;

    public GraphMessages(GraphClient graph) {
        this.graph = graph;
    }

    @Override
    public Accepted send(String token, PhoneNumberId phoneNumberId, Message message) {
        JsonNode answer = graph.post(token, phoneNumberId.value() + "/messages", OutboundContentJson.message(message)).path("messages").path(0);
        String wamid = answer.path("id").asText("");
        if (wamid.isEmpty()) {
            throw new GraphClient.GraphException(200, 0, 0, "Meta accepted the send without a message id", null);
        }
        // A (marketing) template send's answer says how Meta took it: "accepted", "held_for_quality_assessment" or "paused"
        // (Meta's OpenAPI, ../shared/reference/meta-business-messaging-api_v23.0.yaml, MessageStatus in
        // MarketingMessageResponsePayload). Any of them comes with a wamid: Meta has the message.
        String status = answer.path("message_status").asText("");
        return new Accepted(new Wamid(wamid), status.matches("[a-z_]{1,64}") ? status : null);
    }

    /** Marks an inbound message read (and shows the typing indicator when {@code typing}). */
    public void markRead(String token, String phoneNumberId, String wamid, boolean typing) {
        graph.post(token, phoneNumberId + "/messages", OutboundContentJson.markRead(wamid, typing));
    }
}
