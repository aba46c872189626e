package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.Optional;

/** Who owns a phone number and a WABA: one tenant each, claimed together or not at all. */
public interface RoutingClaims {

    /** @return false (nothing written) if another tenant owns the number or the WABA */
    boolean claim(TenantId tenant, String wabaId, String phoneNumberId);

    /** The tenant that owns the number now (read consistently, never from a cache). */
    Optional<TenantId> numberOwner(String phoneNumberId);

    /** The tenant that owns the WABA now (read consistently, never from a cache). */
    Optional<TenantId> wabaOwner(String wabaId);

    /**
     * Moves the number and the WABA from {@code from} to {@code to} (each record only if it is still
     * {@code from}'s, free, or {@code to}'s already), with an audit record for both tenants, in one transaction.
     *
     * @return false (nothing written) if a third tenant owns either record by now
     */
    boolean move(TenantId to, TenantId from, String wabaId, String phoneNumberId, String reason, Instant at);

    /** Gives up the number, and the WABA too when {@code releaseWaba}; only records this tenant owns. */
    void release(TenantId tenant, String wabaId, String phoneNumberId, boolean releaseWaba);
}
