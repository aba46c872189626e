package io.wabridge.core.tenant;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Offboards a whole tenant: every channel disconnected (unsubscribed at Meta, token destroyed, number
 * released), the bot hook's secret destroyed, and after a grace period every record and object of the
 * tenant deleted by the scheduled purge ({@link PurgeOffboardedTenants}; only the audit records stay).
 * Starting again is a no-op.
 */
public final class OffboardTenant {

    public static final Duration DEFAULT_GRACE = Duration.ofDays(30);
    public static final Duration MAX_GRACE = Duration.ofDays(90);

    /** Where an offboarding is kept (outside the tenant's own records, so the purge does not delete it). */
    public interface Store {
        /** Records the offboarding unless one exists; returns the one that holds. */
        Offboarding start(TenantId tenant, Instant at, Instant purgeAfter, String who);

        Optional<Offboarding> get(TenantId tenant);

        /** Offboardings whose grace period ended and that are not purged yet. */
        List<TenantId> duePurges(Instant now, int limit);

        /** Deletes every record and object of the tenant except its audit records; returns how many went. */
        int purge(TenantId tenant);

        void purged(TenantId tenant, Instant at, int removed);
    }

    public record Offboarding(TenantId tenant, Instant at, Instant purgeAfter, String by, Instant purgedAt) {}

    private final Channels channels;
    private final BiConsumer<TenantId, String> disconnect;
    private final TokenVault vault;
    private final Store store;
    private final ContactData audit;
    private final Clock clock;

    /** @param disconnect disconnects one channel (tenant, phone number id) as {@code DELETE /v1/channels/{id}} does */
    public OffboardTenant(Channels channels, BiConsumer<TenantId, String> disconnect, TokenVault vault, Store store, ContactData audit,
                          Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.disconnect = Objects.requireNonNull(disconnect);
        this.vault = Objects.requireNonNull(vault);
        this.store = Objects.requireNonNull(store);
        this.audit = Objects.requireNonNull(audit);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @throws IllegalArgumentException if {@code grace} is negative or over {@link #MAX_GRACE} */
    public Offboarding start(TenantId tenant, Duration grace, String who) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("graceDays must be from 0 to " + MAX_GRACE.toDays());
        }
        for (Channel c : channels.all(tenant)) {
            if (c.status() != Channel.Status.DISCONNECTED) {
                disconnect.accept(tenant, c.phoneNumberId());
            }
        }
        vault.destroy(UpdateSettings.hookSecret(tenant));
        Instant now = clock.instant();
        Offboarding o = store.start(tenant, now, now.plus(grace), who);
        if (o.at().equals(now)) {
            audit.audit(tenant, "tenant.offboard", tenant.value(), who, Map.of("purgeAfter", o.purgeAfter()), now);
        }
        return o;
    }
}
