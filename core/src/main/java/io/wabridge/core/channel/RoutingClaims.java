package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;

/** Who owns a phone number and a WABA: one tenant each, claimed together or not at all. */
public interface RoutingClaims {

    /** @return false (nothing written) if another tenant owns the number or the WABA */
    boolean claim(TenantId tenant, String wabaId, String phoneNumberId);

    /** Gives up the number, and the WABA too when {@code releaseWaba}; only records this tenant owns. */
    void release(TenantId tenant, String wabaId, String phoneNumberId, boolean releaseWaba);
}
