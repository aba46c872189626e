package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** The scheduled purge of offboarded tenants whose grace period ended; a purge cut short runs again. */
public final class PurgeOffboardedTenants {

    private final OffboardTenant.Store store;
    private final ContactData audit;
    private final Clock clock;

    public PurgeOffboardedTenants(OffboardTenant.Store store, ContactData audit, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.audit = Objects.requireNonNull(audit);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Purges due tenants until {@code deadline}; returns how many were purged. */
    public int run(Instant deadline) {
        int done = 0;
        for (TenantId tenant : store.duePurges(clock.instant(), 10)) {
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            int removed = store.purge(tenant);
            Instant now = clock.instant();
            store.purged(tenant, now, removed);
            audit.audit(tenant, "tenant.purge", tenant.value(), "wabridge", Map.of("removed", removed), now);
            done++;
        }
        return done;
    }
}
