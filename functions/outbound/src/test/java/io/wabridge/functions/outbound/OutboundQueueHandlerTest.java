package io.wabridge.functions.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.DeliverSend;
import io.wabridge.core.send.MetaMessages;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.Outbox;
import io.wabridge.core.send.SendPacer;
import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretStore;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenCipher;
import io.wabridge.core.token.TokenVault;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A batch is worked within the invocation's time: records that wait for their number's budget or for a slow
 * store must not run the batch past the timeout, or Lambda holds the whole batch for the queue's visibility. Time here is a clock the fakes move: a slow Meta or a spent budget costs seconds
 * of it, and the test's Context measures the invocation's remaining time on the same clock.
 */
class OutboundQueueHandlerTest {

    static final TenantId ACME = new TenantId("acme");
    static final int TIMEOUT_SECONDS = 60; // template.yaml, OutboundFunction

    /** Whole seconds less 1 ms, so the pacer's wait for the next second sleeps about 1 ms of real time. */
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00.999Z"));
    final Map<String, OutboundMessage> stored = new HashMap<>();
    final List<String> metaCalls = new ArrayList<>();
    final Map<String, Duration> delays = new HashMap<>();

    Duration metaTakes = Duration.ZERO;
    boolean budgetSpent;
    /** Meta's answer is lost: a transport failure after the call. */
    boolean answerLost;

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
            return Optional.ofNullable(stored.get(id));
        }

        public Optional<io.wabridge.core.messaging.Wamid> confirmedWamid(String id) {
            return Optional.empty();
        }

        public List<OutboundMessage> held(TenantId t, io.wabridge.core.messaging.PhoneNumberId pn, int limit) {
            return List.of();
        }
    };
    final Channels channels = fake(Channels.class, (method, args) -> method.equals("get")
            ? Optional.of(new Channel(ACME, (String) args[1], "W1", "B1", null, null, null, null, "STANDARD", Channel.Status.ACTIVE, null,
                    false, List.of(), null, null, null))
            : null);
    final TokenVault vault = new TokenVault(new TokenCipher() {
        public EncryptedSecret encrypt(SecretContext c, SecretValue v) {
            return new EncryptedSecret(1, "k", new byte[1], new byte[1], v.reveal().getBytes());
        }

        public SecretValue decrypt(SecretContext c, EncryptedSecret s) {
            return SecretValue.ofBytes(s.ciphertext());
        }

        public EncryptedSecret rewrap(SecretContext c, EncryptedSecret s, String targetKeyId) {
            return s;
        }
    }, fake(SecretStore.class, (method, args) -> method.equals("get")
            ? Optional.of(new EncryptedSecret(1, "k", new byte[1], new byte[1], "EAA".getBytes())) : null));
    final MetaMessages meta = (token, pn, message) -> {
        metaCalls.add(message.callbackData());
        clock.advance(metaTakes);
        if (answerLost) {
            throw new io.wabridge.core.meta.MetaApiException(0, 0, 0, "read timed out", null);
        }
        return MetaMessages.Accepted.of(new io.wabridge.core.messaging.Wamid("wamid." + metaCalls.size()));
    };
    /** A spent budget stays spent: each refusal is the pacer's wait for the next second. */
    final SendPacer pacer = (pn, perSecond) -> {
        if (budgetSpent) {
            clock.advance(Duration.ofSeconds(1));
            return false;
        }
        return true;
    };
    final DomainEvents events = fake(DomainEvents.class, (method, args) -> method.equals("published") ? false : null);

    final OutboundQueueHandler handler = new OutboundQueueHandler(new DeliverSend(outbox, channels, vault, meta, pacer, events, () -> true, clock),
            (receipt, delay) -> delays.put(receipt, delay), (id, count, reason) -> { }, 10, io.wabridge.adapters.metrics.EmfMetrics.discarding(), clock);

    @Test
    void aSlowMetaDoesNotRunTheBatchPastTheTimeout() {
        metaTakes = Duration.ofSeconds(8);
        Instant end = clock.instant().plusSeconds(TIMEOUT_SECONDS);

        SQSBatchResponse response = handler.handleRequest(batch(10), context(end));

        assertThat(clock.instant()).as("the invocation ends before its timeout").isBefore(end);
        assertThat(metaCalls).as("records start while a whole call still fits (at 0, 8, 16, 24 and 32 s)").hasSize(5);
        assertThat(response.getBatchItemFailures()).hasSize(5);
        assertThat(delays).hasSize(5).allSatisfy((receipt, delay) -> assertThat(delay).isEqualTo(Duration.ofSeconds(1)));
        assertThat(stored.values().stream().filter(m -> m.state() == io.wabridge.core.send.SendState.SENT).count()).isEqualTo(5);
    }

    @Test
    void pacingWaitsNoLongerThanTheInvocationAllows() {
        budgetSpent = true;
        Instant end = clock.instant().plusSeconds(TIMEOUT_SECONDS);

        SQSBatchResponse response = handler.handleRequest(batch(10), context(end));

        assertThat(clock.instant()).as("the invocation ends before its timeout").isBefore(end);
        assertThat(metaCalls).isEmpty();
        assertThat(response.getBatchItemFailures()).hasSize(10);
        assertThat(delays.values()).hasSize(10).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(3)));
        assertThat(stored.values()).allSatisfy(m -> assertThat(m.state()).isEqualTo(io.wabridge.core.send.SendState.QUEUED));
    }

    @Test
    void theRecordsBehindARecordNotStartedComeBackWithIt() {
        metaTakes = Duration.ofSeconds(40);
        SQSEvent event = batch(3, 2); // msg_0 in group 100; msg_1 and (below) msg_2 in group 101
        event.getRecords().get(2).setAttributes(Map.of("MessageGroupId", "101:abc", "ApproximateReceiveCount", "1"));

        SQSBatchResponse response = handler.handleRequest(event, context(clock.instant().plusSeconds(TIMEOUT_SECONDS)));

        assertThat(metaCalls).containsExactly("msg_0");
        assertThat(response.getBatchItemFailures()).extracting(f -> f.getItemIdentifier()).containsExactly("m1", "m2");
        assertThat(delays).as("the second record of group B is not held for the queue's visibility timeout")
                .containsEntry("r1", Duration.ofSeconds(1)).containsEntry("r2", Duration.ofSeconds(1));
    }

    @Test
    void aQuickBatchIsSentWhole() {
        SQSBatchResponse response = handler.handleRequest(batch(10), context(clock.instant().plusSeconds(TIMEOUT_SECONDS)));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(metaCalls).hasSize(10);
    }

    @Test
    void aLostAnswerWaitingForItsStatusCountsAsUnconfirmedNotRetried() {
        answerLost = true;
        java.io.ByteArrayOutputStream emf = new java.io.ByteArrayOutputStream();
        OutboundQueueHandler counted = new OutboundQueueHandler(new DeliverSend(outbox, channels, vault, meta, pacer, events, () -> false, clock),
                (receipt, delay) -> delays.put(receipt, delay), (id, count, reason) -> { }, 10,
                new io.wabridge.adapters.metrics.EmfMetrics("test", () -> new java.io.PrintStream(emf, true), clock), clock);
        SQSEvent event = batch(1);

        counted.handleRequest(event, context(clock.instant().plusSeconds(TIMEOUT_SECONDS)));
        clock.advance(delays.get("r0"));
        counted.handleRequest(event, context(clock.instant().plusSeconds(TIMEOUT_SECONDS)));

        assertThat(metaCalls).hasSize(1);
        // One EMF record per invocation: the failed call and the first check, each a lost answer waiting for its status.
        assertThat(emf.toString().lines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"Outcome\":\"unconfirmed\",\"Sends\":1.0"));
    }

    /** Sends on as many numbers (message groups) as records, each queued in the outbox. */
    SQSEvent batch(int size) {
        return batch(size, size);
    }

    /** Sends on {@code groups} numbers in turn (one message group each), each queued in the outbox. */
    SQSEvent batch(int size, int groups) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String id = "msg_" + i;
            String number = "10" + (i % groups);
            stored.put(id, new OutboundMessage(id, ACME, new io.wabridge.core.messaging.PhoneNumberId(number), "6281234567890",
                    new io.wabridge.core.send.OutboundContent.Text("hi", null), null, io.wabridge.core.send.SendState.QUEUED, null, 0,
                    null, null, clock.instant(), clock.instant()));
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId("m" + i);
            r.setReceiptHandle("r" + i);
            r.setBody("{\"tenantId\":\"acme\",\"id\":\"" + id + "\"}");
            r.setAttributes(Map.of("MessageGroupId", number + ":abc", "ApproximateReceiveCount", "1"));
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /** A Lambda context whose remaining time runs on the test's clock. */
    Context context(Instant end) {
        return fake(Context.class, (method, args) -> switch (method) {
            case "getRemainingTimeInMillis" -> (int) Duration.between(clock.instant(), end).toMillis();
            case "getAwsRequestId" -> "req-1";
            default -> null;
        });
    }

    interface Answer {
        Object answer(String method, Object[] args);
    }

    static <T> T fake(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                        : answer.answer(method.getName(), args == null ? new Object[0] : args)));
    }

    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }
}
