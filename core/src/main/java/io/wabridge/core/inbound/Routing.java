package io.wabridge.core.inbound;

import io.wabridge.core.messaging.PhoneNumberId;
import java.util.Optional;

/** Which tenant owns a phone number or a WABA (written by signup, one tenant per number). */
public interface Routing {

    Optional<TenantId> byPhoneNumber(PhoneNumberId phoneNumberId);

    Optional<TenantId> byWaba(String wabaId);

    /** Records an update nobody owns (bounded, expiring), so it can be investigated and is not retried forever. */
    void recordUnrouted(String kind, String id);
}
