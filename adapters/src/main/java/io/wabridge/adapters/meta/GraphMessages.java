package io.wabridge.adapters.meta;

import io.wabridge.core.send.MetaMessages;
import java.util.Map;

/** {@code POST /{phone-number-id}/messages} with the channel's business token. */
public final class GraphMessages implements MetaMessages {

    private final GraphClient graph;

    public GraphMessages(GraphClient graph) {
        this.graph = graph;
    }

    @Override
    public String send(String token, String phoneNumberId, Map<String, Object> message) {
        String wamid = graph.post(token, phoneNumberId + "/messages", message).path("messages").path(0).path("id").asText("");
        if (wamid.isEmpty()) {
            throw new GraphClient.GraphException(200, 0, 0, "Meta accepted the send without a message id", null);
        }
        return wamid;
    }
}
