package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.Optional;

/** Who answers a conversation: while handed off to a human, the bot hook is not called. */
public interface Conversations {

    /** The end of the conversation's handoff, if it is handed off ({@link Instant#MAX} without a timeout). */
    Optional<Instant> handoffUntil(TenantId tenant, String phoneNumberId, String contactKey);

    /** @return false if the conversation does not exist (the contact never wrote to the channel) */
    boolean handoff(TenantId tenant, String phoneNumberId, String contactKey, Instant until, String by);

    /** @return false if the conversation does not exist */
    boolean resume(TenantId tenant, String phoneNumberId, String contactKey);
}
