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

    /** Records the status; true only if it moved the message's state forward. */
    boolean applyStatus(TenantId tenant, StatusChanged status);

    /** Applies what an account event changes to the tenant's template, WABA, number or contact record (idempotent). */
    void applyChange(TenantId tenant, AccountChange change);

    /** Stores the event unless an identical one was stored in the last 8 days; false for a duplicate. */
    boolean saveEventIfAbsent(TenantId tenant, WabaEvent event);
}
