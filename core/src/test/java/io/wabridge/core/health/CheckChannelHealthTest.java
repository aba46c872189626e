package io.wabridge.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.MovableClock;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.InMemoryChannels;
import io.wabridge.core.channel.MetaOnboarding;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.RecordingEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.token.FakeCipher;
import io.wabridge.core.token.InMemorySecretStore;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The health check's decisions, with fakes of its ports and a clock the test moves. */
class CheckChannelHealthTest {

    static final TenantId ACME = new TenantId("acme");
    static final Duration DAY = Duration.ofDays(1);

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final InMemoryChannels channels = new InMemoryChannels();
    final TokenVault vault = new TokenVault(new FakeCipher("k"), new InMemorySecretStore());
    final RecordingEvents events = new RecordingEvents();
    final FakeMeta meta = new FakeMeta(clock);
    final Map<String, AtomicInteger> budgetUsed = new ConcurrentHashMap<>();
    final CallBudget budget = (waba, calls, perHour, now) -> {
        AtomicInteger used = budgetUsed.computeIfAbsent(waba + "#" + now.getEpochSecond() / 3600, k -> new AtomicInteger());
        synchronized (used) {
            if (used.get() + calls > perHour) {
                return false;
            }
            used.addAndGet(calls);
            return true;
        }
    };
    final Map<String, Long> claims = new ConcurrentHashMap<>();
    final HealthLeases leases = new HealthLeases() {
        public boolean claim(String phoneNumberId, long period, Instant expiresAt) {
            return claims.merge(phoneNumberId, period, (old, p) -> old < p ? p : old) == period
                    && claimedNow.add(phoneNumberId + "#" + period);
        }

        public void release(String phoneNumberId, long period) {
            claimedNow.remove(phoneNumberId + "#" + period);
            claims.remove(phoneNumberId, period);
        }
    };
    final Set<String> claimedNow = ConcurrentHashMap.newKeySet();

    CheckChannelHealth health(Duration period, Duration runEvery, int callsPerHour) {
        return new CheckChannelHealth(channels, vault, meta, budget, leases, events,
                new CheckChannelHealth.Settings(period, runEvery, Duration.ofDays(7), callsPerHour, 4), clock);
    }

    final CheckChannelHealth daily = health(DAY, DAY, 100);

    /** A run of every channel, at the start of the day {@code day} periods from now. */
    CheckChannelHealth.Summary runDay(CheckChannelHealth h, int day) {
        clock.advance(Duration.ofSeconds(1));
        return h.run(clock.instant().plus(DAY.multipliedBy(day)), true, Instant.MAX);
    }

    Channel connect(String phone, String waba, String token) {
        Channel c = new Channel(ACME, phone, waba, "B1", "+62 811", "Toko", "GREEN", "TIER_2K", "STANDARD", Channel.Status.ACTIVE,
                null, false, List.of(), clock.instant(), clock.instant(), null);
        channels.save(c);
        vault.put(new SecretContext(ACME.value(), phone, SecretField.BUSINESS_TOKEN), SecretValue.of(token));
        meta.tokens.put(token, new FakeMeta.Token(true, null));
        meta.numbers.put(phone, new MetaOnboarding.NumberInfo("+62 811", "Toko", "GREEN", "TIER_2K", "STANDARD", "CONNECTED", "APPROVED", false));
        return c;
    }

    Channel stored(String phone) {
        return channels.get(ACME, phone).orElseThrow();
    }

    String sealed(String phone) {
        return vault.reveal(new SecretContext(ACME.value(), phone, SecretField.BUSINESS_TOKEN)).orElseThrow().reveal();
    }

    @Test
    void aTokenExpiringWithinTheHorizonIsRefreshedSealedAndItsNewExpiryRecorded() {
        connect("111", "W1", "EAA-old");
        meta.tokens.put("EAA-old", new FakeMeta.Token(true, clock.instant().plus(Duration.ofDays(3))));

        CheckChannelHealth.Summary run = runDay(daily, 0);

        assertThat(run.refreshed()).isEqualTo(1);
        assertThat(sealed("111")).isNotEqualTo("EAA-old").startsWith("EAA-refreshed");
        assertThat(stored("111").tokenExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(60)));
        assertThat(stored("111").health().tokenValid()).isTrue();
        assertThat(stored("111").health().tokenScopes()).contains("whatsapp_business_messaging");
        assertThat(meta.numberReadsWith).as("the number is read with the new token").containsExactly(sealed("111"));

        assertThat(runDay(daily, 1).refreshed()).as("60 days left: nothing to refresh").isZero();
    }

    @Test
    void aNeverExpiringTokenIsRecordedAsNeverAndNotRefreshed() {
        connect("111", "W1", "EAA-forever");
        assertThat(runDay(daily, 0).checked()).isEqualTo(1);
        assertThat(stored("111").tokenExpiresAt()).isNull();
        assertThat(meta.refreshes.get()).isZero();
        assertThat(sealed("111")).isEqualTo("EAA-forever");
    }

    @Test
    void aRevokedTokenPutsTheChannelInNeedsReauthWithOneEventAcrossRuns() {
        connect("111", "W1", "EAA-revoked");
        meta.tokens.put("EAA-revoked", new FakeMeta.Token(false, null));

        CheckChannelHealth.Summary first = runDay(daily, 0);
        CheckChannelHealth.Summary second = runDay(daily, 1);

        assertThat(stored("111").status()).isEqualTo(Channel.Status.NEEDS_REAUTH);
        assertThat(stored("111").health().tokenValid()).isFalse();
        assertThat(first.needsReauth()).isEqualTo(1);
        assertThat(second.needsReauth()).isZero();
        assertThat(second.checked()).as("needs_reauth channels are still checked").isEqualTo(1);
        assertThat(events.ofType("channel.needs_reauth")).hasSize(1);
        assertThat(meta.numberReadsWith).as("no number read with a dead token").isEmpty();
    }

    @Test
    void aTokenMetaRefusesToRefreshPutsTheChannelInNeedsReauth() {
        connect("111", "W1", "EAA-old");
        meta.tokens.put("EAA-old", new FakeMeta.Token(true, clock.instant().plus(Duration.ofDays(2))));
        meta.refuseRefresh = true;
        runDay(daily, 0);
        assertThat(stored("111").status()).isEqualTo(Channel.Status.NEEDS_REAUTH);
        assertThat(events.ofType("channel.needs_reauth")).singleElement()
                .satisfies(e -> assertThat(e.detail().get("reason").toString()).contains("refresh").doesNotContain("EAA"));
    }

    @Test
    void aQualityDropRaisesOneChannelUpdatedWithOldAndNewValues() {
        connect("111", "W1", "EAA-1");
        runDay(daily, 0);
        assertThat(events.ofType("channel.updated")).as("filling in the name and registration status is no change").isEmpty();
        assertThat(stored("111").health().numberStatus()).isEqualTo("CONNECTED");
        meta.numbers.put("111", new MetaOnboarding.NumberInfo("+62 811", "Toko", "RED", "TIER_10K", "STANDARD", "CONNECTED", "APPROVED", false));

        CheckChannelHealth.Summary changed = runDay(daily, 1);
        CheckChannelHealth.Summary same = runDay(daily, 2);

        assertThat(changed.updated()).isEqualTo(1);
        assertThat(same.updated()).isZero();
        List<DomainEvent> updates = events.ofType("channel.updated");
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).detail().get("changes")).isEqualTo(Map.of(
                "qualityRating", Map.of("old", "GREEN", "new", "RED"), "messagingLimit", Map.of("old", "TIER_2K", "new", "TIER_10K")));
        assertThat(stored("111").qualityRating()).isEqualTo("RED");
        assertThat(stored("111").messagingLimit()).isEqualTo("TIER_10K");
    }

    @Test
    void eachChannelIsCheckedOncePerPeriodSpreadOverTheRuns() {
        for (int i = 0; i < 240; i++) {
            connect("10" + i, "W" + i, "EAA-" + i);
        }
        CheckChannelHealth hourly = health(DAY, Duration.ofHours(1), 100);
        Map<Integer, Integer> perRun = new HashMap<>();
        for (int hour = 0; hour < 24; hour++) {
            perRun.put(hour, hourly.run(clock.instant().plus(Duration.ofHours(hour)), false, Instant.MAX).checked());
        }
        assertThat(perRun.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(240);
        assertThat(perRun.values()).allSatisfy(n -> assertThat(n).isBetween(2, 22));
        assertThat(meta.inspected.size()).isEqualTo(240);

        CheckChannelHealth.Settings settings = new CheckChannelHealth.Settings(DAY, Duration.ofHours(1), DAY, 100, 1);
        for (int slot : new int[] {0, 415, 416, 417, 5000, 9999}) {
            Instant due = settings.dueAt(slot, settings.period(clock.instant()) + 1);
            int[] window = settings.dueSlots(due);
            assertThat(slot).isBetween(window[0], window[1] - 1);
            assertThat(settings.period(due)).isEqualTo(settings.period(clock.instant()) + 1);
        }

        // The same run again (overlapping, or retried) does no work twice.
        CheckChannelHealth.Summary again = hourly.run(clock.instant().plus(Duration.ofHours(5)), false, Instant.MAX);
        assertThat(again.checked()).isZero();
        assertThat(again.alreadyClaimed()).isEqualTo(perRun.get(5));
    }

    @Test
    void aWabaGetsNoMoreCallsPerHourThanItsBudgetAndTheRestWaitForTheirNextPeriod() {
        for (int i = 0; i < 10; i++) {
            connect("20" + i, "W-big", "EAA-big" + i);
        }
        connect("300", "W-small", "EAA-small");
        CheckChannelHealth tight = health(DAY, DAY, 6);
        CheckChannelHealth.Summary run = runDay(tight, 0);
        assertThat(run.checked()).isEqualTo(4);
        assertThat(run.skippedByBudget()).isEqualTo(7);
        assertThat(budgetUsed.values().stream().mapToInt(AtomicInteger::get).max().orElseThrow()).isLessThanOrEqualTo(6);

        clock.advance(Duration.ofHours(1));
        CheckChannelHealth.Summary later = tight.run(clock.instant(), true, Instant.MAX);
        assertThat(later.checked()).as("a new hour, a new budget; unclaimed channels are checked").isEqualTo(3);
    }

    @Test
    void oneFailingChannelNeverStopsTheRunAndItsReasonCarriesNoToken() {
        for (int i = 0; i < 5; i++) {
            connect("40" + i, "W" + i, "EAA-secret" + i);
        }
        meta.brokenNumber = "402";
        CheckChannelHealth.Summary run = runDay(daily, 0);
        assertThat(run.checked()).isEqualTo(5);
        assertThat(run.failed()).isEqualTo(1);
        assertThat(run.failures()).singleElement().satisfies(f -> {
            assertThat(f.phoneNumberId()).isEqualTo("402");
            assertThat(f.reason()).contains("131000").doesNotContain("EAA");
        });
        assertThat(stored("403").health().checkedAt()).isNotNull();
    }

    @Test
    void theDeadlineStopsNewChecks() {
        connect("111", "W1", "EAA-1");
        CheckChannelHealth.Summary run = daily.run(clock.instant(), true, clock.instant().minusSeconds(1));
        assertThat(run.complete()).isFalse();
        assertThat(run.checked()).isZero();
    }

    @Test
    void aChannelWhoseTokenIsGoneNeedsReauthWithoutAnyCallToMeta() {
        connect("111", "W1", "EAA-1");
        vault.destroy(new SecretContext(ACME.value(), "111", SecretField.BUSINESS_TOKEN));

        CheckChannelHealth.Summary run = runDay(daily, 0);

        assertThat(run.needsReauth()).isEqualTo(1);
        assertThat(run.checked()).as("nothing asked of Meta").isZero();
        assertThat(meta.inspected).isEmpty();
        assertThat(meta.numberReadsWith).isEmpty();
        assertThat(budgetUsed).isEmpty();
        assertThat(stored("111").status()).isEqualTo(Channel.Status.NEEDS_REAUTH);
        assertThat(events.ofType("channel.needs_reauth")).singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("reason", "the channel has no business token"));
    }

    @Test
    void aRefreshTheWabasBudgetCannotAffordWaitsForTheNextPeriodWhileTheCheckStillRecords() {
        connect("111", "W1", "EAA-fine");
        connect("222", "W1", "EAA-expiring");
        meta.tokens.put("EAA-expiring", new FakeMeta.Token(true, clock.instant().plus(Duration.ofDays(3))));
        meta.numbers.put("222", new MetaOnboarding.NumberInfo("+62 822", "Toko", "YELLOW", "TIER_2K", "STANDARD", "CONNECTED", "APPROVED", false));
        // One check at a time, channels in id order: 111's check and 222's check use the 4 calls; 222's refresh has none left.
        CheckChannelHealth tight = new CheckChannelHealth(channels, vault, meta, budget, leases, events,
                new CheckChannelHealth.Settings(DAY, DAY, Duration.ofDays(7), 4, 1), clock);

        CheckChannelHealth.Summary run = runDay(tight, 0);

        assertThat(run.checked()).isEqualTo(2);
        assertThat(run.refreshed()).isZero();
        assertThat(run.skippedByBudget()).isEqualTo(1);
        assertThat(meta.refreshes.get()).isZero();
        assertThat(sealed("222")).isEqualTo("EAA-expiring");
        assertThat(stored("222").qualityRating()).as("the number was read and recorded all the same").isEqualTo("YELLOW");
        assertThat(stored("222").health().checkedAt()).isNotNull();

        assertThat(runDay(daily, 1).refreshed()).as("the next period, with calls to spare").isEqualTo(1);
        assertThat(sealed("222")).startsWith("EAA-refreshed");
    }

    @Test
    void aChannelChangedWhileItIsCheckedKeepsThatChangeAndStillGetsTheCheck() {
        Channel c = connect("111", "W1", "EAA-1");
        meta.numbers.put("111", new MetaOnboarding.NumberInfo("+62 811", "Toko", "RED", "TIER_2K", "STANDARD", "CONNECTED", "APPROVED", false));
        Instant until = clock.instant().plus(Duration.ofDays(2));
        // Meta's account event restricts the channel while its number is being read.
        meta.onNumberRead = () -> channels.save(c.withStatus(Channel.Status.RESTRICTED, "ACCOUNT_RESTRICTION", until,
                clock.instant().plusMillis(1)));

        CheckChannelHealth.Summary run = runDay(daily, 0);

        assertThat(run.failed()).isZero();
        assertThat(run.updated()).isEqualTo(1);
        Channel after = stored("111");
        assertThat(after.status()).as("the account event's change is kept").isEqualTo(Channel.Status.RESTRICTED);
        assertThat(after.statusUntil()).isEqualTo(until);
        assertThat(after.qualityRating()).as("and the check's facts recorded over it").isEqualTo("RED");
        assertThat(after.health().checkedAt()).isNotNull();
        assertThat(events.ofType("channel.updated")).hasSize(1);
    }

    /** Meta as the health check sees it: tokens with validity and expiry, numbers, and a record of calls. */
    static final class FakeMeta implements MetaOnboarding {
        record Token(boolean valid, Instant expiresAt) {}

        final Map<String, Token> tokens = new ConcurrentHashMap<>();
        final Map<String, NumberInfo> numbers = new ConcurrentHashMap<>();
        final List<String> numberReadsWith = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Set<String> inspected = ConcurrentHashMap.newKeySet();
        final AtomicInteger refreshes = new AtomicInteger();
        volatile boolean refuseRefresh;
        volatile String brokenNumber;
        /** Runs as the number is read (something else changing the channel meanwhile). */
        volatile Runnable onNumberRead;
        final java.time.Clock clock;

        FakeMeta(java.time.Clock clock) {
            this.clock = clock;
        }

        public TokenInfo inspect(String token) {
            inspected.add(token);
            Token t = tokens.get(token);
            return new TokenInfo(t != null && t.valid(), t == null ? null : t.expiresAt(),
                    Set.of("whatsapp_business_management", "whatsapp_business_messaging"), Set.of(), Set.of());
        }

        public String refresh(String token) {
            if (refuseRefresh) {
                throw new MetaApiException(401, 190, 463, "Error validating access token", null);
            }
            String fresh = "EAA-refreshed-" + refreshes.incrementAndGet();
            tokens.put(fresh, new Token(true, clock.instant().plus(Duration.ofDays(60))));
            return fresh;
        }

        @Override
        public java.util.Set<String> wabaNumbers(String token, String wabaId) {
            throw new UnsupportedOperationException("the health check never lists a WABA's numbers");
        }

        @Override
        public NumberInfo number(String token, String phoneNumberId) {
            if (phoneNumberId.equals(brokenNumber)) {
                throw new MetaApiException(500, 131000, 0, "Something went wrong", null);
            }
            if (!tokens.get(token).valid()) {
                throw new MetaApiException(401, 190, 0, "token", null);
            }
            numberReadsWith.add(token);
            Runnable meanwhile = onNumberRead;
            if (meanwhile != null) {
                onNumberRead = null;
                meanwhile.run();
            }
            return numbers.get(phoneNumberId);
        }

        public String exchangeCode(String code) {
            throw new UnsupportedOperationException();
        }

        public String wabaCurrency(String token, String wabaId) {
            throw new UnsupportedOperationException();
        }

        public void subscribe(String token, String wabaId) {
            throw new UnsupportedOperationException();
        }

        public void unsubscribe(String token, String wabaId) {
            throw new UnsupportedOperationException();
        }

        public void register(String token, String phoneNumberId, String pin) {
            throw new UnsupportedOperationException();
        }

        public void deregister(String token, String phoneNumberId) {
            throw new UnsupportedOperationException();
        }

        public void shareCreditLine(String wabaId, String currency) {
            throw new UnsupportedOperationException();
        }
    }
}
