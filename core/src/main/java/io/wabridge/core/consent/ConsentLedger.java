package io.wabridge.core.consent;

import io.wabridge.core.inbound.TenantId;
import java.util.List;

/** The consent ledger: append-only entries per tenant and contact, and the state they add up to. */
public interface ConsentLedger {

    /**
     * Appends {@code e} and moves the contact's state with it, atomically.
     *
     * @return the state before and after, or null if an entry with this id was already there (a no-op)
     */
    Change append(ConsentEvent e);

    record Change(ConsentState before, ConsentState after) {}

    /** Every entry of the contact, oldest first. */
    List<ConsentEvent> history(TenantId tenant, String contact);

    /**
     * The contact's state ({@link ConsentState#NONE} if it has no entry). For an erased contact with no
     * entry since, the state kept under its pseudonym ({@link ContactKey#pseudonym}): opted out.
     */
    ConsentState state(TenantId tenant, String contact);

    /** Deletes every entry, the state and the reminders of the contact (erasure); returns how many items went. */
    int forget(TenantId tenant, String contact);
}
