package io.wabridge.core.health;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.ChannelReauth;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.channel.MetaOnboarding;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.send.SendErrors;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduled health check of channels (active and {@code needs_reauth}, all tenants). For each channel:
 * {@code debug_token} (validity, scopes, expiry), a refresh of a token expiring within the horizon (sealed
 * in the vault again), and a read of the number (quality, messaging limit, throughput, name and registration
 * status). An invalid token, or one Meta will not refresh, puts the channel in {@code needs_reauth}
 * ({@link ChannelReauth}: one event per transition); a change of the number's facts raises
 * {@code channel.updated} with the old and new values, once.
 *
 * <p>Each channel is checked once per period: a run handles the slots due at its scheduled time (the period
 * split into runs), claims each channel for the period before checking it (an overlapping or retried run
 * skips it), and takes its Graph calls from the WABA's hourly budget (a channel without budget is left for
 * its next period). Channels are read a page at a time and checked in parallel, a bounded number at once;
 * one channel's failure never stops the run.
 */
public final class CheckChannelHealth {

    /** Graph calls of a check: {@code debug_token} and the number read; a refresh adds the exchange and a second {@code debug_token}. */
    static final int CHECK_CALLS = 2;
    static final int REFRESH_CALLS = 2;
    static final int PAGE = 100;
    static final int MAX_FAILURES_REPORTED = 20;

    /**
     * @param period           each channel is checked once per period
     * @param runEvery         the schedule's interval; the period is split into {@code period / runEvery} runs
     * @param refreshHorizon   a token expiring sooner than this is refreshed
     * @param wabaCallsPerHour the check's share of each WABA's hourly management calls
     * @param concurrency      channels checked at once
     */
    public record Settings(Duration period, Duration runEvery, Duration refreshHorizon, int wabaCallsPerHour, int concurrency) {
        public Settings {
            if (runEvery.isNegative() || runEvery.isZero() || period.compareTo(runEvery) < 0) {
                throw new IllegalArgumentException("the health period must be at least the schedule's interval, which must be positive");
            }
            if (wabaCallsPerHour < CHECK_CALLS + REFRESH_CALLS || wabaCallsPerHour > 5000) {
                throw new IllegalArgumentException("calls per WABA and hour must be between " + (CHECK_CALLS + REFRESH_CALLS) + " and 5000");
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("concurrency must be between 1 and 64");
            }
        }

        /** Runs per period. */
        long runs() {
            return Math.max(1, period.toSeconds() / runEvery.toSeconds());
        }

        /** The period a scheduled time falls in. */
        public long period(Instant scheduledAt) {
            return Math.floorDiv(scheduledAt.getEpochSecond(), period.toSeconds());
        }

        /** The slots {@code [from, to)} due at a scheduled time: that run's share of the period. */
        public int[] dueSlots(Instant scheduledAt) {
            return slotsOfRun(Math.min(Math.floorMod(scheduledAt.getEpochSecond(), period.toSeconds()) / runEvery.toSeconds(), runs() - 1));
        }

        /** The scheduled time of the run in period {@code periodIndex} that checks {@code slot}. */
        public Instant dueAt(int slot, long periodIndex) {
            long run = 0;
            while (slotsOfRun(run)[1] <= slot) {
                run++;
            }
            return Instant.ofEpochSecond(periodIndex * period.toSeconds() + run * runEvery.toSeconds());
        }

        private int[] slotsOfRun(long run) {
            return new int[] {(int) (run * Channel.HEALTH_SLOTS / runs()), (int) ((run + 1) * Channel.HEALTH_SLOTS / runs())};
        }
    }

    /** A channel the run could not check, and why (never a token). */
    public record Failure(TenantId tenant, String phoneNumberId, String reason) {}

    /**
     * What a run did. {@code alreadyClaimed}: checked by another run this period (or no longer checkable);
     * {@code complete} false if the deadline stopped the run before every due channel was seen.
     */
    public record Summary(long period, int fromSlot, int toSlot, int checked, int refreshed, int needsReauth, int updated, int failed,
                          int skippedByBudget, int alreadyClaimed, Duration duration, boolean complete, List<Failure> failures) {}

    private enum Outcome { CHECKED, CLAIMED_ELSEWHERE, BUDGET, FAILED }

    private final Channels channels;
    private final TokenVault vault;
    private final MetaOnboarding meta;
    private final CallBudget budget;
    private final HealthLeases leases;
    private final DomainEvents events;
    private final ChannelReauth reauth;
    private final Settings settings;
    private final Clock clock;

    public CheckChannelHealth(Channels channels, TokenVault vault, MetaOnboarding meta, CallBudget budget, HealthLeases leases,
                              DomainEvents events, Settings settings, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.vault = Objects.requireNonNull(vault);
        this.meta = Objects.requireNonNull(meta);
        this.budget = Objects.requireNonNull(budget);
        this.leases = Objects.requireNonNull(leases);
        this.events = Objects.requireNonNull(events);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.reauth = new ChannelReauth(channels, events, clock);
    }

    /**
     * Checks the channels due at {@code scheduledAt} (every channel not yet checked this period when
     * {@code everyChannel}), starting no new check after {@code deadline}.
     */
    public Summary run(Instant scheduledAt, boolean everyChannel, Instant deadline) {
        long started = System.nanoTime();
        long period = settings.period(scheduledAt);
        int[] slots = everyChannel ? new int[] {0, Channel.HEALTH_SLOTS} : settings.dueSlots(scheduledAt);
        Instant claimUntil = Instant.ofEpochSecond((period + 2) * settings.period().toSeconds());
        Map<Outcome, AtomicInteger> outcomes = new java.util.EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicInteger());
        }
        Tally tally = new Tally();
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        boolean complete = true;
        Semaphore inFlight = new Semaphore(settings.concurrency());
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), Thread.ofPlatform().daemon().name("health-", 0).factory());
        try {
            String cursor = null;
            do {
                if (clock.instant().isAfter(deadline)) {
                    complete = false;
                    break;
                }
                Channels.Page page = channels.healthCheckable(slots[0], slots[1], PAGE, cursor);
                for (Channel listed : page.items()) {
                    if (clock.instant().isAfter(deadline)) {
                        complete = false;
                        break;
                    }
                    inFlight.acquireUninterruptibly();
                    pool.execute(() -> {
                        try {
                            outcomes.get(check(listed, period, claimUntil, tally)).incrementAndGet();
                        } catch (RuntimeException e) {
                            // One try per channel: whatever went wrong, the run goes on with the next one.
                            outcomes.get(Outcome.FAILED).incrementAndGet();
                            if (failures.size() < MAX_FAILURES_REPORTED) {
                                failures.add(new Failure(listed.tenant(), listed.phoneNumberId(), reason(e)));
                            }
                        } finally {
                            inFlight.release();
                        }
                    });
                }
                cursor = complete ? page.nextCursor() : null;
            } while (cursor != null);
        } finally {
            pool.shutdown();
            awaitQuietly(pool);
        }
        return new Summary(period, slots[0], slots[1], tally.checked.get(), tally.refreshed.get(), tally.needsReauth.get(),
                tally.updated.get(), outcomes.get(Outcome.FAILED).get(), outcomes.get(Outcome.BUDGET).get(),
                outcomes.get(Outcome.CLAIMED_ELSEWHERE).get(), Duration.ofNanos(System.nanoTime() - started), complete, List.copyOf(failures));
    }

    private static final class Tally {
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger refreshed = new AtomicInteger();
        final AtomicInteger needsReauth = new AtomicInteger();
        final AtomicInteger updated = new AtomicInteger();
    }

    private Outcome check(Channel listed, long period, Instant claimUntil, Tally tally) {
        if (!leases.claim(listed.phoneNumberId(), period, claimUntil)) {
            return Outcome.CLAIMED_ELSEWHERE;
        }
        Optional<Channel> current = channels.get(listed.tenant(), listed.phoneNumberId()).filter(Channel::healthChecked);
        if (current.isEmpty()) {
            return Outcome.CLAIMED_ELSEWHERE;
        }
        Channel channel = current.get();
        SecretContext context = new SecretContext(channel.tenant().value(), channel.phoneNumberId(), SecretField.BUSINESS_TOKEN);
        Optional<SecretValue> sealed = vault.reveal(context);
        if (sealed.isEmpty()) {
            if (reauth.require(channel, "the channel has no business token")) {
                tally.needsReauth.incrementAndGet();
            }
            return Outcome.CHECKED;
        }
        if (!budget.take(channel.wabaId(), CHECK_CALLS, settings.wabaCallsPerHour(), clock.instant())) {
            leases.release(channel.phoneNumberId(), period);
            return Outcome.BUDGET;
        }
        String token = sealed.get().reveal();
        MetaOnboarding.TokenInfo info = meta.inspect(token);
        tally.checked.incrementAndGet();
        Instant now = clock.instant();
        if (!info.valid()) {
            return invalid(channel, info, "Meta says the business token is no longer valid", tally);
        }
        Outcome outcome = Outcome.CHECKED;
        if (info.expiresAt() != null && info.expiresAt().isBefore(now.plus(settings.refreshHorizon()))) {
            if (!budget.take(channel.wabaId(), REFRESH_CALLS, settings.wabaCallsPerHour(), now)) {
                outcome = Outcome.BUDGET; // recorded below; refreshed in a later period (the horizon leaves room)
            } else {
                try {
                    String fresh = meta.refresh(token);
                    MetaOnboarding.TokenInfo freshInfo = meta.inspect(fresh);
                    if (freshInfo.valid()) {
                        vault.put(context, SecretValue.of(fresh));
                        token = fresh;
                        info = freshInfo;
                        tally.refreshed.incrementAndGet();
                    }
                } catch (MetaApiException e) {
                    if (SendErrors.classify(e) == SendErrors.Action.REAUTH) {
                        return invalid(channel, info, "Meta refused to refresh the business token (" + e.code() + ")", tally);
                    }
                    throw e;
                }
            }
        }
        MetaOnboarding.NumberInfo number;
        try {
            number = meta.number(token, channel.phoneNumberId());
        } catch (MetaApiException e) {
            if (SendErrors.classify(e) == SendErrors.Action.REAUTH) {
                return invalid(channel, info, "Meta refused the business token (" + e.code() + ")", tally);
            }
            throw e;
        }
        if (record(channel, info, number)) {
            tally.updated.incrementAndGet();
        }
        return outcome;
    }

    /** Records what Meta said of the token (invalid) and puts the channel in needs_reauth. */
    private Outcome invalid(Channel channel, MetaOnboarding.TokenInfo info, String reason, Tally tally) {
        Channel.Health h = channel.health();
        Channel recorded = channel.withToken(channel.businessId(), info.expiresAt(), clock.instant())
                // Meta's debug_token leaves the scopes out for a revoked token: keep the last ones known.
                .withHealth(new Channel.Health(false, info.scopes().isEmpty() ? h.tokenScopes() : List.copyOf(info.scopes()), h.nameStatus(),
                        h.numberStatus(), clock.instant()), clock.instant());
        if (!channels.replace(recorded, channel.updatedAt())) {
            throw new IllegalStateException("the channel changed while it was checked; checked again next period");
        }
        if (reauth.require(recorded, reason)) {
            tally.needsReauth.incrementAndGet();
        }
        return Outcome.CHECKED;
    }

    /**
     * Records the token's and the number's facts, raising {@code channel.updated} (old and new values) when
     * the number's changed. Returns whether they changed. A channel changed meanwhile is read again.
     */
    private boolean record(Channel read, MetaOnboarding.TokenInfo info, MetaOnboarding.NumberInfo n) {
        Channel channel = read;
        for (int attempt = 0; attempt < 3; attempt++) {
            Instant now = clock.instant();
            Channel updated = channel.withToken(channel.businessId(), info.expiresAt(), now)
                    .withNumber(or(n.displayPhoneNumber(), channel.displayPhoneNumber()), or(n.verifiedName(), channel.verifiedName()),
                            or(n.qualityRating(), channel.qualityRating()), or(n.messagingLimit(), channel.messagingLimit()),
                            or(n.throughput(), channel.throughput()), channel.coexistence(), now)
                    .withHealth(new Channel.Health(true, List.copyOf(new java.util.TreeSet<>(info.scopes())),
                            or(n.nameStatus(), channel.health().nameStatus()), or(n.status(), channel.health().numberStatus()), now), now);
            Map<String, Object> changes = changes(channel, updated);
            if (!changes.isEmpty()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("tenantId", channel.tenant().value());
                d.put("phoneNumberId", channel.phoneNumberId());
                d.put("wabaId", channel.wabaId());
                d.put("source", "health_check");
                d.put("changes", changes);
                // Keyed by the state the check read and the change: a retry of this change (also after the channel was read
                // again because something else wrote it meanwhile) raises it once, a later change again.
                events.publishOnce(new DomainEvent("channel.updated", channel.tenant(), "channel.updated#" + channel.phoneNumberId()
                        + "#health#" + (read.updatedAt() == null ? 0 : read.updatedAt().toEpochMilli()) + "#"
                        + Integer.toHexString(changes.toString().hashCode()), d));
            }
            if (channels.replace(updated, channel.updatedAt())) {
                return !changes.isEmpty();
            }
            channel = channels.get(read.tenant(), read.phoneNumberId()).filter(Channel::healthChecked)
                    .orElseThrow(() -> new IllegalStateException("the channel was disconnected while it was checked"));
        }
        throw new IllegalStateException("the channel kept changing while it was checked; checked again next period");
    }

    /** The number's facts that differ from what was known, each as {@code {"old": ..., "new": ...}} (a first reading is no change). */
    static Map<String, Object> changes(Channel before, Channel after) {
        Map<String, Object> out = new LinkedHashMap<>();
        change(out, "qualityRating", before.qualityRating(), after.qualityRating());
        change(out, "messagingLimit", before.messagingLimit(), after.messagingLimit());
        change(out, "throughput", before.throughput(), after.throughput());
        change(out, "nameStatus", before.health().nameStatus(), after.health().nameStatus());
        change(out, "numberStatus", before.health().numberStatus(), after.health().numberStatus());
        return out;
    }

    private static void change(Map<String, Object> out, String field, String before, String after) {
        if (before != null && after != null && !after.equals(before)) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("old", before);
            c.put("new", after);
            out.put(field, c);
        }
    }

    private static String or(String value, String otherwise) {
        return value != null ? value : otherwise;
    }

    private static String reason(RuntimeException e) {
        String text = e instanceof MetaApiException m
                ? "Meta error " + m.code() + " (HTTP " + m.httpStatus() + "): " + m.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(15, TimeUnit.MINUTES)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
