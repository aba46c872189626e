package io.wabridge.core.inbound;

/**
 * What Meta's account and number events do to a tenant's channels ({@code account_update}: disconnection, bans,
 * restrictions and their reversal; {@code phone_number_quality_update} and {@code phone_number_name_update}: the
 * number's quality, limit, throughput and name status). Safe to apply again for the same event.
 */
public interface ChannelChanges {

    /** @param eventKey the event's idempotency key (one domain event per channel and key) */
    void apply(TenantId tenant, AccountChange change, String eventKey);
}
