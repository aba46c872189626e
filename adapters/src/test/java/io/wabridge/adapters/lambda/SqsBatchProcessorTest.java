package io.wabridge.adapters.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.lambda.SqsBatchProcessor.Ordering;
import io.wabridge.adapters.lambda.SqsBatchProcessor.Outcome;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import io.wabridge.adapters.logging.JsonLogProvider;
import io.wabridge.adapters.logging.LogContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The batch policies of {@link SqsBatchProcessor} over real SQS events, with in-memory ports. */
class SqsBatchProcessorTest {

    /** Each record handled, in order. */
    final List<String> handled = new ArrayList<>();
    /** Visibility changes by receipt handle (the record's id here). */
    final Map<String, Duration> delays = new LinkedHashMap<>();
    /** Failure log entries: message id -> reason. */
    final Map<String, String> failureLog = new LinkedHashMap<>();
    final Map<String, Double> metrics = new HashMap<>();
    final Map<String, String> deadLettered = new LinkedHashMap<>();
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));

    final Metrics recorded = new Metrics() {
        @Override
        public void record(Metric metric, double value) {
            metrics.merge(metric.metricName(), value, Double::sum);
        }

        @Override
        public void record(Metric metric, String outcome, double value) {
            metrics.merge(metric.metricName() + "/" + outcome, value, Double::sum);
        }
    };

    SqsBatchProcessor.Builder processor(Ordering ordering) {
        return SqsBatchProcessor.of("test", ordering).metrics(recorded).maxReceiveCount(5)
                .failureLog((id, receiveCount, reason) -> failureLog.put(id, reason)).visibility(delays::put).clock(clock);
    }

    /** "id" or "id@group" or "id@group#receiveCount". */
    static SQSEvent batch(String... records) {
        SQSEvent event = new SQSEvent();
        event.setRecords(Arrays.stream(records).map(SqsBatchProcessorTest::record).toList());
        return event;
    }

    static SQSEvent.SQSMessage record(String spec) {
        String[] receive = spec.split("#");
        String[] group = receive[0].split("@");
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(group[0]);
        m.setReceiptHandle(group[0]);
        m.setBody("{\"id\":\"" + group[0] + "\"}");
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ApproximateReceiveCount", receive.length > 1 ? receive[1] : "1");
        if (group.length > 1) {
            attributes.put("MessageGroupId", group[1]);
        }
        m.setAttributes(attributes);
        return m;
    }

    static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    /** Fails (throws) for the ids listed, handles the others. */
    SqsBatchProcessor.RecordHandler throwingFor(String... ids) {
        return record -> {
            handled.add(record.getMessageId());
            if (List.of(ids).contains(record.getMessageId())) {
                throw new IllegalStateException("store down for " + record.getMessageId());
            }
            return Outcome.DONE;
        };
    }

    @Test
    void fifoStopsAtTheFirstFailureAndReportsItWithEveryLaterRecord() {
        SQSBatchResponse response = processor(Ordering.STOP_AT_FIRST_FAILURE).build()
                .process(batch("a@g1", "b@g2", "c@g1", "d@g3"), (Instant) null, throwingFor("b"));

        assertThat(handled).containsExactly("a", "b");
        assertThat(failed(response)).containsExactly("b", "c", "d");
        assertThat(failureLog).containsOnlyKeys("b").containsEntry("b", "IllegalStateException: store down for b");
        assertThat(delays).isEmpty();
    }

    @Test
    void fifoByGroupSkipsTheFailedGroupWithItsDelayAndGoesOnWithTheOthers() {
        SqsBatchProcessor.RecordHandler handler = record -> {
            handled.add(record.getMessageId());
            return record.getMessageId().equals("a") ? Outcome.retryAfter(Duration.ofSeconds(64)) : Outcome.DONE;
        };
        SQSBatchResponse response = processor(Ordering.SKIP_FAILED_GROUP).build()
                .process(batch("a@g1", "b@g2", "c@g1", "d@g2", "e@g1"), (Instant) null, handler);

        assertThat(handled).containsExactly("a", "b", "d");
        assertThat(failed(response)).containsExactly("a", "c", "e");
        // The group's later records come back with it, in order, not after the queue's visibility timeout.
        assertThat(delays).containsExactly(Map.entry("a", Duration.ofSeconds(64)), Map.entry("c", Duration.ofSeconds(64)),
                Map.entry("e", Duration.ofSeconds(64)));
        assertThat(failureLog).isEmpty();
    }

    @Test
    void aThrowingRecordBlocksItsGroupWithTheErrorDelayOrTheQueuesVisibilityTimeout() {
        SQSBatchResponse plain = processor(Ordering.SKIP_FAILED_GROUP).build()
                .process(batch("a@g1", "b@g2", "c@g1"), (Instant) null, throwingFor("a"));
        assertThat(failed(plain)).containsExactly("a", "c");
        assertThat(delays).isEmpty();
        assertThat(failureLog).containsOnlyKeys("a");

        handled.clear();
        SQSBatchResponse backedOff = processor(Ordering.SKIP_FAILED_GROUP)
                .errorDelay(r -> Duration.ofSeconds(5L * SqsRecords.receiveCount(r))).build()
                .process(batch("x@g1#3", "y@g2", "z@g1"), (Instant) null, throwingFor("x"));
        assertThat(handled).containsExactly("x", "y");
        assertThat(failed(backedOff)).containsExactly("x", "z");
        assertThat(delays).containsExactly(Map.entry("x", Duration.ofSeconds(15)), Map.entry("z", Duration.ofSeconds(15)));
    }

    @Test
    void independentRecordsFailAlone() {
        SQSBatchResponse response = processor(Ordering.INDEPENDENT).build()
                .process(batch("a", "b", "c", "d"), (Instant) null, throwingFor("b", "d"));

        assertThat(handled).containsExactly("a", "b", "c", "d");
        assertThat(failed(response)).containsExactly("b", "d");
        assertThat(failureLog).containsOnlyKeys("b", "d");
    }

    @Test
    void aRecordThatCanNeverBeHandledIsDeadLetteredWithItsReasonAndTheBatchGoesOn() {
        SqsBatchProcessor.RecordHandler handler = record -> {
            handled.add(record.getMessageId());
            return record.getMessageId().equals("b") ? Outcome.deadLetter("MalformedWebhook: no entry") : Outcome.DONE;
        };
        SQSBatchResponse response = processor(Ordering.STOP_AT_FIRST_FAILURE).deadLetters((r, reason) -> deadLettered.put(r.getMessageId(), reason))
                .build().process(batch("a@g1", "b@g1", "c@g1"), (Instant) null, handler);

        assertThat(handled).containsExactly("a", "b", "c");
        assertThat(failed(response)).isEmpty();
        assertThat(deadLettered).containsExactly(Map.entry("b", "MalformedWebhook: no entry"));
        assertThat(failureLog).containsExactly(Map.entry("b", "MalformedWebhook: no entry"));
        assertThat(metrics).containsEntry("DlqMoves", 1.0);
    }

    @Test
    void aRecordTheDeadLetterQueueRefusesFailsAsTheOrderingSays() {
        SqsBatchProcessor.RecordHandler handler = record -> {
            handled.add(record.getMessageId());
            return record.getMessageId().equals("b") ? Outcome.deadLetter("MalformedWebhook: no entry") : Outcome.DONE;
        };
        SqsBatchProcessor.DeadLetters refusing = (r, reason) -> {
            throw new IllegalStateException("dead-letter queue unreachable");
        };
        SQSBatchResponse response = processor(Ordering.STOP_AT_FIRST_FAILURE).deadLetters(refusing).build()
                .process(batch("a@g1", "b@g1", "c@g1"), (Instant) null, handler);

        assertThat(handled).containsExactly("a", "b");
        assertThat(failed(response)).containsExactly("b", "c");
        assertThat(metrics).doesNotContainKey("DlqMoves");
    }

    @Test
    void noRecordStartsAfterTheDeadlineAndTheUntouchedOnesGoBackAtOnce() {
        // Each record takes 10 s; the invocation has 45 s left and a record needs up to 20 s: records start until 25 s.
        SqsBatchProcessor processor = processor(Ordering.SKIP_FAILED_GROUP).margin(Duration.ofSeconds(20)).build();
        SqsBatchProcessor.RecordHandler slow = record -> {
            handled.add(record.getMessageId());
            clock.advance(Duration.ofSeconds(10));
            return Outcome.DONE;
        };
        SQSBatchResponse response = processor.process(batch("a@g1", "b@g2", "c@g3", "d@g4", "e@g1"),
                new TestContext("wabridge-test-outbound", "req-1", clock, clock.instant().plusSeconds(45)), slow);

        assertThat(handled).containsExactly("a", "b", "c");
        assertThat(failed(response)).containsExactly("d", "e");
        assertThat(delays).containsExactly(Map.entry("d", SqsBatchProcessor.NOT_STARTED_DELAY), Map.entry("e", SqsBatchProcessor.NOT_STARTED_DELAY));
        assertThat(failureLog).isEmpty();
    }

    @Test
    void theDeadlineStopsAnOrderedBatchAndLeavesAStandardOneToItsVisibilityTimeout() {
        SqsBatchProcessor.RecordHandler slow = record -> {
            handled.add(record.getMessageId());
            clock.advance(Duration.ofSeconds(10));
            return Outcome.DONE;
        };
        SqsBatchProcessor ordered = SqsBatchProcessor.of("inbound", Ordering.STOP_AT_FIRST_FAILURE).margin(Duration.ofSeconds(10)).clock(clock).build();
        Context context = new TestContext("wabridge-test-inbound", "req-2", clock, clock.instant().plusSeconds(30));
        assertThat(failed(ordered.process(batch("a@g1", "b@g2", "c@g3", "d@g4"), context, slow))).containsExactly("c", "d");
        assertThat(handled).containsExactly("a", "b");
    }

    @Test
    void countsAFailureOnTheLastAllowedReceiveAsADeadLetterMove() {
        SQSBatchResponse response = processor(Ordering.INDEPENDENT).build()
                .process(batch("a#1", "b#4", "c#5", "d#6"), (Instant) null, throwingFor("a", "b", "c", "d"));

        assertThat(failed(response)).containsExactly("a", "b", "c", "d");
        assertThat(metrics).containsEntry("DlqMoves", 2.0);
    }

    @Test
    void everyLineOfAnInvocationCarriesItsRequestIdAndWhetherItIsAColdStart() throws Exception {
        JsonLogProvider provider = new JsonLogProvider();
        provider.initialize();
        Logger log = provider.getLoggerFactory().getLogger("io.wabridge.functions.Test");
        SqsBatchProcessor.RecordHandler handler = record -> {
            log.info("handling {}", record.getMessageId());
            return Outcome.DONE;
        };
        SqsBatchProcessor processor = processor(Ordering.INDEPENDENT).build();
        String function = "wabridge-test-" + System.nanoTime();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            for (String requestId : List.of("req-first", "req-second")) {
                Context context = new TestContext(function, requestId, clock, clock.instant().plusSeconds(30));
                Invocation.run(context, EmfMetrics.discarding(), () -> processor.process(batch("a-" + requestId, "b-" + requestId), context, handler));
            }
            log.info("outside any invocation");
        } finally {
            System.setOut(original);
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).extracting(l -> l.path("message").asText())
                .containsExactly("handling a-req-first", "handling b-req-first", "handling a-req-second", "handling b-req-second",
                        "outside any invocation");
        assertThat(lines).extracting(l -> l.path(LogContext.REQUEST_ID).asText(null))
                .containsExactly("req-first", "req-first", "req-second", "req-second", null);
        // The function's first invocation in this JVM is its cold start; a JSON boolean, as CloudWatch Logs Insights filters it.
        assertThat(lines).extracting(l -> l.get(LogContext.COLD_START))
                .containsExactly(BooleanNode.TRUE, BooleanNode.TRUE, BooleanNode.FALSE, BooleanNode.FALSE, null);
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A Lambda context whose remaining time is measured on the test's clock. */
    record TestContext(String function, String requestId, Clock clock, Instant end) implements Context {
        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + function;
        }

        @Override
        public String getLogStreamName() {
            return "test";
        }

        @Override
        public String getFunctionName() {
            return function;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return function;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Duration.between(clock.instant(), end).toMillis();
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }
}
