package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.util.List;
import java.util.Optional;

/** Where sends are kept, with their idempotency keys and their link to Meta's wamid. */
public interface Outbox {

    /** What an idempotency key was first used for: the send's id and the request's fingerprint. */
    record Reservation(String messageId, String fingerprint) {}

    /**
     * Reserves an idempotency key for {@code messageId} and the request's {@code fingerprint}; if the tenant
     * used the key before, what it was reserved for then (and nothing is written).
     */
    Optional<Reservation> reserve(TenantId tenant, String idempotencyKey, String fingerprint, String messageId);

    /**
     * Records a new send unless a record with its id exists (written by a concurrent request with the same key,
     * or by the sender from the queued job); whether this call wrote it.
     */
    boolean create(OutboundMessage message);

    /** Replaces the record of a send that exists. */
    void save(OutboundMessage message);

    /**
     * Replaces the record of a send only if it is still {@code expected} (same state, attempts and update time): whether
     * it did. Two deliveries of one send that overlap both read it before either writes; only one may go on.
     */
    boolean replace(OutboundMessage message, OutboundMessage expected);

    Optional<OutboundMessage> get(TenantId tenant, String id);

    /** The wamid a status webhook reported for this message id (Meta echoes our id as callback data). */
    Optional<Wamid> confirmedWamid(String id);

    /** Sends held for a channel (until it is re-authorised), oldest first. */
    List<OutboundMessage> held(TenantId tenant, PhoneNumberId phoneNumberId, int limit);
}
