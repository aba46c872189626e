package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import java.util.List;
import java.util.Optional;

/** Where sends are kept, with their idempotency keys and their link to Meta's wamid. */
public interface Outbox {

    /**
     * Reserves an idempotency key for {@code messageId}; if the tenant used the key before, the id it was
     * given then (and nothing is written).
     */
    Optional<String> reserve(TenantId tenant, String idempotencyKey, String messageId);

    void save(OutboundMessage message);

    Optional<OutboundMessage> get(TenantId tenant, String id);

    /** The wamid a status webhook reported for this message id (Meta echoes our id as callback data). */
    Optional<String> confirmedWamid(String id);

    /** Sends held for a channel (until it is re-authorised), oldest first. */
    List<OutboundMessage> held(TenantId tenant, String phoneNumberId, int limit);
}
