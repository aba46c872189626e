package io.wabridge.core.inbound;

import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;

/** Where a tenant's inbound effects are kept. Every write is idempotent. */
public interface InboundStore {

    /** Stores the message unless its wamid is stored already; false for a duplicate. */
    boolean saveMessageIfAbsent(TenantId tenant, MessageReceived message);

    /** Upserts the contact and moves its last inbound time forward (never back). */
    void touchContact(TenantId tenant, MessageReceived message);

    /**
     * What recording a status did.
     *
     * @param advanced   whether it moved the message's state forward
     * @param rankBefore the {@link MessageStatus#rank()} it moved from (0: none recorded yet); 0 when not advanced
     */
    record StatusRecorded(boolean advanced, int rankBefore) {}

    /**
     * Records the status (its time always; its state only forward) and what {@code effects} decided: the send it
     * confirms, and Meta's pricing with its usage counters, once per message however often it comes.
     */
    StatusRecorded applyStatus(TenantId tenant, StatusChanged status, StatusEffects effects);

    /** Adds one to each of {@code counters} in the tenant's notification day of {@code at}. */
    void countNotificationStatus(TenantId tenant, java.time.Instant at, java.util.List<String> counters);

    /** Applies what an account event changes to the tenant's template, WABA, number or contact record (idempotent). */
    void applyChange(TenantId tenant, AccountChange change);

    /** Stores the event unless an identical one was stored in the last 8 days; false for a duplicate. */
    boolean saveEventIfAbsent(TenantId tenant, WabaEvent event);
}
