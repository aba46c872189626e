package io.wabridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.MovableClock;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.InMemoryChannels;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.RecordingEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.token.FakeCipher;
import io.wabridge.core.token.InMemorySecretStore;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sender's decisions by Meta's answer, with fakes of its ports and a clock the test moves. */
class DeliverSendTest {

    static final TenantId ACME = new TenantId("acme");
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));

    final Map<String, OutboundMessage> stored = new HashMap<>();
    final Map<String, String> confirmations = new HashMap<>();
    /** Runs once, after the next read of a send and before the reader sees it: what another delivery does meanwhile. */
    Runnable afterRead;
    final Outbox outbox = new Outbox() {
        public Optional<Reservation> reserve(TenantId t, String key, String fingerprint, String id) {
            return Optional.empty();
        }

        public boolean create(OutboundMessage m) {
            return stored.putIfAbsent(m.id(), m) == null;
        }

        public void save(OutboundMessage m) {
            stored.put(m.id(), m);
        }

        public boolean replace(OutboundMessage m, OutboundMessage expected) {
            OutboundMessage now = stored.get(m.id());
            boolean same = now != null && now.state().equals(expected.state()) && now.attempts() == expected.attempts()
                    && now.updatedAt().equals(expected.updatedAt());
            if (same) {
                stored.put(m.id(), m);
            }
            return same;
        }

        public Optional<OutboundMessage> get(TenantId t, String id) {
            Optional<OutboundMessage> read = Optional.ofNullable(stored.get(id));
            Runnable meanwhile = afterRead;
            afterRead = null;
            if (meanwhile != null) {
                meanwhile.run();
            }
            return read;
        }

        public Optional<Wamid> confirmedWamid(String id) {
            return Optional.ofNullable(confirmations.get(id)).map(Wamid::new);
        }

        public List<OutboundMessage> held(TenantId t, PhoneNumberId pn, int limit) {
            return List.of();
        }
    };
    final InMemoryChannels channels = new InMemoryChannels();

    {
        channels.save(new Channel(ACME, "111", "W1", "B1", null, null, null, null, "STANDARD", Channel.Status.ACTIVE, null, false,
                List.of(), null, null, null));
    }

    final ArrayDeque<RuntimeException> answers = new ArrayDeque<>();
    final List<MetaMessages.Message> calls = new ArrayList<>();
    /** The message_status Meta's answer gives (null: none). */
    String messageStatus;
    final MetaMessages meta = (token, pn, message) -> {
        calls.add(message);
        RuntimeException next = answers.poll();
        if (next != null) {
            throw next;
        }
        return new MetaMessages.Accepted(new Wamid("wamid.OK" + calls.size()), messageStatus);
    };
    final RecordingEvents bus = new RecordingEvents();
    final List<DomainEvent> events = bus.published;
    final TokenVault vault = new TokenVault(new FakeCipher("k"), new InMemorySecretStore());
    /** Whether the inbound queue is empty (the sender asks before it takes a lost answer to mean "not sent"). */
    boolean inboundIdle = true;
    final DeliverSend deliver = new DeliverSend(outbox, channels, vault, meta, (pn, perSecond) -> true, bus, () -> inboundIdle, clock);

    String queued() {
        vault.put(new SecretContext("acme", "111", SecretField.BUSINESS_TOKEN), SecretValue.of("EAA"));
        OutboundMessage m = new OutboundMessage("msg_1", ACME, new PhoneNumberId("111"), "6281234567890", new OutboundContent.Text("hi", null), null, SendState.QUEUED, null, 0,
                null, null, clock.instant(), clock.instant());
        stored.put(m.id(), m);
        return m.id();
    }

    static MetaApiException meta(int http, int code) {
        return new MetaApiException(http, code, 0, "Meta " + code, null);
    }

    @Test
    void aQueuedSendWhoseRecordWasNeverWrittenIsRecordedFromItsJobAndSentOnce() {
        // The API queued it and stopped before recording it: the job carries the send.
        String id = queued();
        OutboundMessage carried = stored.remove(id);
        assertThat(deliver.deliver(ACME, id, carried, Instant.MAX).state()).isEqualTo("sent");
        assertThat(stored.get(id).state()).isEqualTo(SendState.SENT);
        assertThat(deliver.deliver(ACME, id, carried, Instant.MAX).state()).isEqualTo("sent");
        assertThat(calls).hasSize(1);
    }

    @Test
    void aJobThatArrivesBeforeItsRecordOnAChannelMetaTookOutOfServiceIsRecordedAndHeldNotDropped() {
        // Dropped as "missing", the API's record written just after would stay queued with no job: stuck for good.
        String id = queued();
        OutboundMessage carried = stored.remove(id);
        channels.save(channels.get(ACME, "111").orElseThrow().withStatus(Channel.Status.DISCONNECTED, "PARTNER_APP_UNINSTALLED", null, clock.instant()));
        assertThat(deliver.deliver(ACME, id, carried, Instant.MAX).state()).isEqualTo("held");
        assertThat(stored.get(id).state()).isEqualTo(SendState.HELD);
        channels.save(channels.get(ACME, "111").orElseThrow().withStatus(Channel.Status.DISCONNECTED, clock.instant()));
        String other = queued();
        OutboundMessage late = stored.remove(other);
        assertThat(deliver.deliver(ACME, other, late, Instant.MAX).state()).as("the tenant disconnected it: failed, with a record").isEqualTo("failed");
        assertThat(stored.get(other).state()).isEqualTo(SendState.FAILED);
        assertThat(calls).isEmpty();
    }

    @Test
    void aSendMetaHoldsForQualityAssessmentIsSentOnceAndKeepsMetasStatus() {
        // Meta's answer: {"messages":[{"id":"wamid...","message_status":"held_for_quality_assessment"}]} (Meta's OpenAPI).
        messageStatus = "held_for_quality_assessment";
        String id = queued();
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(stored.get(id).metaStatus()).isEqualTo("held_for_quality_assessment");
        assertThat(stored.get(id).wamid()).isEqualTo(new Wamid("wamid.OK1"));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(calls).hasSize(1);
        assertThat(events).isEmpty();
    }

    @Test
    void anOldJobWhoseRecordIsGoneIsNotBroughtBack() {
        // Past the grace, a missing record was erased (contact erasure, tenant purge): nothing is recreated or sent.
        String id = queued();
        OutboundMessage carried = stored.remove(id);
        clock.advance(DeliverSend.RECORD_GRACE.plusSeconds(1));
        assertThat(deliver.deliver(ACME, id, carried, Instant.MAX).state()).isEqualTo("missing");
        assertThat(stored).doesNotContainKey(id);
        assertThat(calls).isEmpty();
    }

    @Test
    void twoDeliveriesOfOneSendThatReadItAtOnceCallMetaOnce() {
        // The job is received again while a first delivery works on it (a visibility timeout shorter than the work; seen
        // with the local runtime under load in CrashDurabilityTest): both read it queued before either records its attempt.
        String id = queued();
        DeliverSend.Result[] other = new DeliverSend.Result[1];
        afterRead = () -> other[0] = deliver.deliver(ACME, id);
        DeliverSend.Result first = deliver.deliver(ACME, id);
        assertThat(other[0].state()).isEqualTo("sent");
        assertThat(calls).hasSize(1);
        assertThat(first.done()).as("the later delivery comes back to see what became of it").isFalse();
        assertThat(first.retryAfter()).isEqualTo(DeliverSend.CLAIMED_ELSEWHERE);
        clock.advance(first.retryAfter());
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(stored.get(id).wamid()).isEqualTo(new io.wabridge.core.messaging.Wamid("wamid.OK1"));
        assertThat(calls).hasSize(1);
    }

    @Test
    void aLostAnswerIsSettledByTheEchoedStatusWithoutASecondSend() {
        String id = queued();
        answers.add(meta(0, 0));
        DeliverSend.Result first = deliver.deliver(ACME, id);
        assertThat(first.state()).isEqualTo("unconfirmed");
        assertThat(first.retryAfter()).isGreaterThan(Duration.ofSeconds(60));
        confirmations.put(id, "wamid.FROM_STATUS");
        clock.advance(Duration.ofSeconds(61));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(stored.get(id).wamid()).isEqualTo(new Wamid("wamid.FROM_STATUS"));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).callbackData()).isEqualTo(id);
        assertThat(calls.get(0).to()).isEqualTo("6281234567890");
    }

    @Test
    void aLostAnswerWithoutAnyStatusIsSentAgainOnlyAfterTheWait() {
        String id = queued();
        answers.add(meta(0, 0));
        deliver.deliver(ACME, id);
        clock.advance(Duration.ofSeconds(30));
        assertThat(deliver.deliver(ACME, id).done()).isFalse();
        assertThat(calls).hasSize(1);
        clock.advance(Duration.ofSeconds(31));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(calls).hasSize(2);
    }

    @Test
    void aLostAnswerWaitsWhileTheInboundPipelineIsBehindAndAtMostTheLongestWait() {
        String id = queued();
        answers.add(meta(0, 0));
        deliver.deliver(ACME, id);
        inboundIdle = false;
        Duration waited = Duration.ZERO;
        int checks = 0;
        DeliverSend.Result r;
        do {
            r = deliver.deliver(ACME, id);
            if (!r.done()) {
                clock.advance(r.retryAfter());
                waited = waited.plus(r.retryAfter());
                checks++;
            }
        } while (!r.done() && checks < 20);
        // A status stuck behind a busy inbound queue is not taken for a lost send until the longest wait...
        assertThat(waited).isGreaterThanOrEqualTo(DeliverSend.CONFIRM_MAX);
        assertThat(waited).isLessThan(DeliverSend.CONFIRM_MAX.plusMinutes(1));
        // ...and the checks space out, so they do not use up the queue's receives (10) first.
        assertThat(checks).isLessThanOrEqualTo(6);
        assertThat(r.state()).isEqualTo("sent");
        assertThat(calls).hasSize(2);
    }

    @Test
    void aLostAnswerConfirmedLateByABusyInboundPipelineIsNotSentTwice() {
        String id = queued();
        answers.add(meta(0, 0));
        deliver.deliver(ACME, id);
        inboundIdle = false;
        clock.advance(Duration.ofMinutes(5));
        assertThat(deliver.deliver(ACME, id).done()).isFalse();
        confirmations.put(id, "wamid.LATE");
        clock.advance(Duration.ofMinutes(5));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(stored.get(id).wamid()).isEqualTo(new Wamid("wamid.LATE"));
        assertThat(calls).hasSize(1);
    }

    @Test
    void aLostAnswerWhoseStatusWaitsBehindTheLongSoaksBacklogIsNotSentTwice() {
        // The long soak's inbound backlog was 29 minutes deep; a 15-minute limit sent 28 of 45 lost answers twice.
        String id = queued();
        answers.add(meta(0, 0));
        deliver.deliver(ACME, id);
        inboundIdle = false;
        Duration waited = Duration.ZERO;
        DeliverSend.Result r = deliver.deliver(ACME, id);
        while (!r.done() && waited.plus(r.retryAfter()).compareTo(Duration.ofMinutes(29)) < 0) {
            clock.advance(r.retryAfter());
            waited = waited.plus(r.retryAfter());
            r = deliver.deliver(ACME, id);
        }
        assertThat(r.done()).isFalse();
        assertThat(calls).hasSize(1);
        confirmations.put(id, "wamid.BEHIND");
        clock.advance(r.retryAfter());
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
        assertThat(stored.get(id).wamid()).isEqualTo(new Wamid("wamid.BEHIND"));
        assertThat(calls).hasSize(1);
    }

    @Test
    void aMarketingCapDefersADayAcrossRedeliveries() {
        String id = queued();
        answers.add(meta(400, 131049));
        assertThat(deliver.deliver(ACME, id).retryAfter()).isEqualTo(Duration.ofHours(24));
        clock.advance(Duration.ofHours(12));
        DeliverSend.Result early = deliver.deliver(ACME, id);
        assertThat(early.done()).isFalse();
        assertThat(early.retryAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(calls).hasSize(1);
        clock.advance(Duration.ofHours(12));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
    }

    @Test
    void thePairLimitBacksOffByPowersOfFourAndTransientErrorsByJitteredDoubling() {
        String id = queued();
        answers.add(meta(400, 131056));
        assertThat(deliver.deliver(ACME, id).retryAfter()).isEqualTo(Duration.ofSeconds(4));
        answers.add(meta(400, 131056));
        assertThat(deliver.deliver(ACME, id).retryAfter()).isEqualTo(Duration.ofSeconds(16));
        answers.add(meta(503, 131016));
        Duration backoff = deliver.deliver(ACME, id).retryAfter();
        assertThat(backoff).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(16));
        assertThat(stored.get(id).state()).isEqualTo(SendState.RETRYING);
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
    }

    @Test
    void aPermanentErrorFailsOnceWithAnEventAndAnInvalidTokenHoldsTheChannel() {
        String id = queued();
        answers.add(meta(400, 131026));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("failed");
        assertThat(stored.get(id).errorCode()).isEqualTo(131026);
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("failed");
        assertThat(calls).hasSize(1);
        assertThat(events).extracting(DomainEvent::type).containsExactly("message.status");

        OutboundMessage second = new OutboundMessage("msg_2", ACME, new PhoneNumberId("111"), "6281234567890", new OutboundContent.Text("x", null), null, SendState.QUEUED, null,
                0, null, null, clock.instant(), clock.instant());
        stored.put(second.id(), second);
        answers.add(meta(401, 190));
        assertThat(deliver.deliver(ACME, "msg_2").state()).isEqualTo("held");
        assertThat(channels.get(ACME, "111").orElseThrow().status()).isEqualTo(Channel.Status.NEEDS_REAUTH);
        assertThat(deliver.deliver(ACME, "msg_2").state()).isEqualTo("held");
        assertThat(events).extracting(DomainEvent::type).containsExactly("message.status", "channel.needs_reauth");
    }

    @Test
    void aCoexistenceNumberIsPacedAt20PerSecondAndAnUpgradedNumberAt1000() {
        List<Integer> budgets = new ArrayList<>();
        DeliverSend paced = new DeliverSend(outbox, channels, vault, meta, (pn, perSecond) -> budgets.add(perSecond), bus, () -> true, clock);
        Channel standard = channels.get(ACME, "111").orElseThrow();
        channels.save(new Channel(ACME, "111", "W1", "B1", null, null, null, null, "STANDARD", Channel.Status.ACTIVE, null, true,
                List.of(), null, null, null));
        assertThat(paced.deliver(ACME, queued()).state()).isEqualTo("sent");
        channels.save(standard.withNumber(null, null, null, null, "HIGH", false, clock.instant()));
        stored.clear();
        assertThat(paced.deliver(ACME, queued()).state()).isEqualTo("sent");
        assertThat(budgets).containsExactly(20, 1000);
    }

    @Test
    void aChannelMetaDisabledOrRestrictedHoldsItsSendsBeforeAnyGraphCallWithTheReason() {
        String id = queued();
        Channel active = channels.get(ACME, "111").orElseThrow();
        channels.save(active.withStatus(Channel.Status.DISABLED, "DISABLED_UPDATE", null, clock.instant()));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("held");
        assertThat(stored.get(id).error()).contains("disabled").contains("DISABLED_UPDATE");
        assertThat(calls).isEmpty();

        Instant until = clock.instant().plus(Duration.ofHours(2));
        channels.save(active.withStatus(Channel.Status.RESTRICTED, "ACCOUNT_RESTRICTION", until, clock.instant()));
        DeliverSend.Result restricted = deliver.deliver(ACME, id);
        assertThat(restricted.state()).isEqualTo("held");
        assertThat(restricted.retryAfter()).isBetween(Duration.ofHours(2), Duration.ofHours(2).plusSeconds(2));
        assertThat(calls).isEmpty();
        clock.advance(Duration.ofHours(2).plusSeconds(1));
        assertThat(deliver.deliver(ACME, id).state()).as("the restriction has ended").isEqualTo("sent");
        assertThat(channels.get(ACME, "111").orElseThrow().status()).isEqualTo(Channel.Status.ACTIVE);

        String other = "msg_2";
        stored.put(other, new OutboundMessage(other, ACME, new PhoneNumberId("111"), "6281234567890", new OutboundContent.Text("hi", null), null, SendState.QUEUED, null, 0,
                null, null, clock.instant(), clock.instant()));
        channels.save(channels.get(ACME, "111").orElseThrow().withStatus(Channel.Status.DISCONNECTED, "PARTNER_APP_UNINSTALLED", null, clock.instant()));
        assertThat(deliver.deliver(ACME, other).state()).as("Meta removed the app: held for a new signup, not failed").isEqualTo("held");
        channels.save(channels.get(ACME, "111").orElseThrow().withStatus(Channel.Status.DISCONNECTED, clock.instant()));
        assertThat(deliver.deliver(ACME, other).state()).as("the tenant disconnected it").isEqualTo("failed");
        assertThat(calls).hasSize(1);
    }

    @Test
    void aChannelWithoutItsTokenHoldsTheSendAndAsksForReauthorisationWithoutAGraphCall() {
        OutboundMessage m = new OutboundMessage("msg_1", ACME, new PhoneNumberId("111"), "6281234567890", new OutboundContent.Text("hi", null), null,
                SendState.QUEUED, null, 0, null, null, clock.instant(), clock.instant());
        stored.put(m.id(), m);

        assertThat(deliver.deliver(ACME, m.id()).state()).isEqualTo("held");

        assertThat(calls).isEmpty();
        assertThat(stored.get(m.id()).error()).isEqualTo("the channel has no business token");
        assertThat(channels.get(ACME, "111").orElseThrow().status()).isEqualTo(Channel.Status.NEEDS_REAUTH);
        assertThat(events).extracting(DomainEvent::type).containsExactly("channel.needs_reauth");
    }

    @Test
    void aNumberWithoutBudgetBeforeTheCallDeadlineGoesBackToTheQueueUntouched() {
        String id = queued();
        DeliverSend starved = new DeliverSend(outbox, channels, vault, meta, (pn, perSecond) -> false, bus, () -> true, clock);

        DeliverSend.Result result = starved.deliver(ACME, id, clock.instant().minusMillis(1));

        assertThat(result.done()).isFalse();
        assertThat(result.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertThat(result.state()).isEqualTo("queued");
        assertThat(stored.get(id).state()).as("no attempt recorded").isEqualTo(SendState.QUEUED);
        assertThat(stored.get(id).attempts()).isZero();
        assertThat(calls).isEmpty();
    }

    @Test
    void theSpamRateLimitPausesTheNumberForAnHourWithOneAlertAnHour() {
        String id = queued();
        answers.add(meta(400, 131048));
        answers.add(meta(400, 131048));

        DeliverSend.Result first = deliver.deliver(ACME, id);
        DeliverSend.Result second = deliver.deliver(ACME, id);

        assertThat(first.retryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(second.retryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(stored.get(id).state()).isEqualTo(SendState.RETRYING);
        assertThat(stored.get(id).errorCode()).isEqualTo(131048);
        assertThat(bus.ofType("channel.alert")).as("one alert in the hour").singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("reason", "spam_rate_limit").containsEntry("phoneNumberId", "111"));
        clock.advance(Duration.ofHours(1));
        assertThat(deliver.deliver(ACME, id).state()).isEqualTo("sent");
    }

    @Test
    void noAnswerFromMetaIsUnconfirmedNotRetriedAtOnce() {
        String id = queued();
        answers.add(new MetaApiException(0, 0, 0, "request timed out", null));

        DeliverSend.Result result = deliver.deliver(ACME, id);

        assertThat(result.state()).isEqualTo("unconfirmed");
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(61));
        assertThat(stored.get(id).attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(deliver.deliver(ACME, id).state()).as("too early to take the silence as a no").isEqualTo("unconfirmed");
        assertThat(calls).hasSize(1);
    }

    @Test
    void theMessageForMetaCarriesTheIdBackExceptOnAReaction() {
        OutboundMessage reply = new OutboundMessage("msg_r", ACME, new PhoneNumberId("111"), "US.13491208655302741918", new OutboundContent.Text("hi", null),
                "wamid.IN1", SendState.QUEUED, null, 0, null, null, clock.instant(), clock.instant(), "crm-7", null);
        MetaMessages.Message m = DeliverSend.message(reply);
        assertThat(m.to()).isEqualTo("US.13491208655302741918");
        assertThat(m.replyTo()).isEqualTo("wamid.IN1");
        assertThat(m.callbackData()).contains("msg_r");

        OutboundMessage reaction = new OutboundMessage("msg_x", ACME, new PhoneNumberId("111"), "6281234567890",
                new OutboundContent.Reaction("wamid.IN1", "\uD83D\uDC4D"), null, SendState.QUEUED, null, 0, null, null, clock.instant(), clock.instant());
        assertThat(DeliverSend.message(reaction).callbackData()).isNull();
    }
}
