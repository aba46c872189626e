package io.wabridge.core.consent;

import io.wabridge.core.inbound.ContactIds;
import io.wabridge.core.inbound.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The consent ledger as seen per person: entries stay under the id they were recorded with, and reading a
 * contact's state or history by any of its ids folds the entries of all the person's ids
 * ({@link ContactIds}), so an opt-out under the wa_id stops a template to the BSUID and the reverse.
 */
public final class PersonLedger implements ConsentLedger {

    private final ConsentLedger ledger;
    private final ContactIds ids;

    public PersonLedger(ConsentLedger ledger, ContactIds ids) {
        this.ledger = Objects.requireNonNull(ledger);
        this.ids = Objects.requireNonNull(ids);
    }

    @Override
    public Change append(ConsentEvent e) {
        return ledger.append(e);
    }

    @Override
    public List<ConsentEvent> history(TenantId tenant, String contact) {
        Set<String> all = ids.idsOf(tenant, contact);
        if (all.size() <= 1) {
            return ledger.history(tenant, contact);
        }
        List<ConsentEvent> out = new ArrayList<>();
        all.forEach(id -> out.addAll(ledger.history(tenant, id)));
        out.sort(ConsentState.ORDER);
        return out;
    }

    @Override
    public ConsentState state(TenantId tenant, String contact) {
        Set<String> all = ids.idsOf(tenant, contact);
        if (all.size() <= 1) {
            return ledger.state(tenant, contact);
        }
        ConsentState folded = ConsentState.of(history(tenant, contact));
        if (folded.entries() > 0) {
            return folded;
        }
        // No entry under any id: an id erased earlier still counts as opted out (its pseudonym's state).
        for (String id : all) {
            ConsentState s = ledger.state(tenant, id);
            if (s.optedOut()) {
                return s;
            }
        }
        return folded;
    }

    @Override
    public int forget(TenantId tenant, String contact) {
        return ledger.forget(tenant, contact);
    }
}
