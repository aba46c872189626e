package io.wabridge.adapters.meta;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.TokenVault;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API's direct calls on a channel's number with its business token: read receipts (with the typing indicator)
 * and media uploads. {@link IllegalStateException} when the channel has no token.
 */
public final class GraphChannelCalls {

    private final GraphClient graph;
    private final TokenVault vault;

    public GraphChannelCalls(GraphClient graph, TokenVault vault) {
        this.graph = graph;
        this.vault = vault;
    }

    /** Marks an inbound message read, optionally showing the typing indicator. */
    public void markRead(TenantId tenant, String phoneNumberId, String wamid, boolean typing) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("messaging_product", "whatsapp", "status", "read", "message_id", wamid));
        if (typing) {
            body.put("typing_indicator", Map.of("type", "text"));
        }
        graph.post(token(tenant, phoneNumberId), phoneNumberId + "/messages", body);
    }

    /** Uploads a file to the number's media endpoint; Meta's media id. */
    public String upload(TenantId tenant, String phoneNumberId, String mimeType, String filename, byte[] bytes) {
        return graph.postFile(token(tenant, phoneNumberId), phoneNumberId + "/media", Map.of("messaging_product", "whatsapp", "type", mimeType),
                "file", filename, mimeType, bytes).path("id").asText();
    }

    private String token(TenantId tenant, String phoneNumberId) {
        return vault.reveal(new SecretContext(tenant.value(), phoneNumberId, SecretField.BUSINESS_TOKEN))
                .orElseThrow(() -> new IllegalStateException("the channel has no business token; run signup again")).reveal();
    }
}
