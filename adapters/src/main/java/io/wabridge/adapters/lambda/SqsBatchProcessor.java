package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.core.inbound.FailureLog;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Works one SQS batch for a consumer whose event source reports {@code ReportBatchItemFailures}: each record in its
 * own log context, its outcome ({@link Outcome}), and the records reported as failed, which SQS delivers again (or
 * moves to the dead-letter queue on their {@code maxReceiveCount}-th receive, counted here as a
 * {@link Metric#DLQ_MOVES DLQ move}).
 *
 * <p>What a failure does to the rest of the batch is the queue's {@link Ordering}. A record is started only before
 * the batch's start-by instant ({@link #startBy(Context)}: the invocation's end less a margin the longest record
 * needs); the records not started are reported as failed, so they come back instead of being lost with a timed-out
 * invocation, which would return the whole batch only after the queue's visibility timeout.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html">Handling errors for an
 *     SQS event source in Lambda</a> (with FIFO, stop at the first failure and report it with every later record)
 */
public final class SqsBatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(SqsBatchProcessor.class);

    /** A record not started for lack of time is received again this soon (where the consumer can set a visibility). */
    public static final Duration NOT_STARTED_DELAY = Duration.ofSeconds(1);

    /** What a failed record does to the records after it in the batch. */
    public enum Ordering {
        /** FIFO, one order for the batch: the failed record and every later one go back, in order. */
        STOP_AT_FIRST_FAILURE,
        /**
         * FIFO, ordered within a message group: the failed record and the later records of its group go back, with the
         * same delay (so they come back together, in order); the other groups go on.
         */
        SKIP_FAILED_GROUP,
        /** Standard queue: each record stands alone. */
        INDEPENDENT
    }

    /** What handling one record came to. A record handler that throws has failed (see {@link Builder#errorDelay}). */
    public sealed interface Outcome {
        /** Handled; the record is deleted. */
        record Done() implements Outcome {}

        /** To be handled again after {@code delay} (null: the queue's own visibility timeout). */
        record Retry(Duration delay) implements Outcome {}

        /** Can never be handled: put on the dead-letter queue now with its reason, and counted as done. */
        record DeadLetter(String reason) implements Outcome {
            public DeadLetter {
                Objects.requireNonNull(reason);
            }
        }

        Outcome DONE = new Done();

        static Outcome retryAfter(Duration delay) {
            return new Retry(delay);
        }

        static Outcome deadLetter(String reason) {
            return new DeadLetter(reason);
        }
    }

    /** Handles one record. */
    @FunctionalInterface
    public interface RecordHandler {
        Outcome handle(SQSEvent.SQSMessage record);
    }

    /** Changes a received record's visibility (its retry delay). */
    @FunctionalInterface
    public interface Visibility {
        void delay(String receiptHandle, Duration delay);
    }

    /** Puts a record on the dead-letter queue with the reason it can never be handled. */
    @FunctionalInterface
    public interface DeadLetters {
        void send(SQSEvent.SQSMessage record, String reason);
    }

    private final String name;
    private final Ordering ordering;
    private final int maxReceiveCount;
    private final Metrics metrics;
    private final FailureLog failures;
    private final Visibility visibility;
    private final DeadLetters deadLetters;
    private final Function<SQSEvent.SQSMessage, Duration> errorDelay;
    private final Duration margin;
    private final Clock clock;

    private SqsBatchProcessor(Builder b) {
        this.name = b.name;
        this.ordering = b.ordering;
        this.maxReceiveCount = b.maxReceiveCount;
        this.metrics = b.metrics;
        this.failures = b.failures;
        this.visibility = b.visibility;
        this.deadLetters = b.deadLetters;
        this.errorDelay = b.errorDelay;
        this.margin = b.margin;
        this.clock = b.clock;
    }

    /** A processor for the queue {@code name} (the word its log lines start with: "inbound", "media", ...). */
    public static Builder of(String name, Ordering ordering) {
        return new Builder(name, ordering);
    }

    /** The records of an event (none for an empty event). */
    public static List<SQSEvent.SQSMessage> records(SQSEvent event) {
        return event == null || event.getRecords() == null ? List.of() : event.getRecords();
    }

    /**
     * The last instant a record may start in this invocation: its end less the margin ({@code null}, no limit, without
     * a context).
     */
    public Instant startBy(Context context) {
        return context == null ? null : clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(margin);
    }

    /** Works the batch, starting records until {@link #startBy(Context)}. */
    public SQSBatchResponse process(SQSEvent event, Context context, RecordHandler handler) {
        return process(event, startBy(context), handler);
    }

    /** Works the batch, starting records before {@code startBy} (null: no limit). */
    public SQSBatchResponse process(SQSEvent event, Instant startBy, RecordHandler handler) {
        return new Batch(records(event), startBy).run(handler);
    }

    /** One batch in progress. */
    private final class Batch {
        private final List<SQSEvent.SQSMessage> records;
        private final Instant startBy;
        private final List<SQSBatchResponse.BatchItemFailure> failed = new ArrayList<>();
        private final Set<String> blockedGroups = new HashSet<>();
        private final Map<String, Duration> groupDelays = new HashMap<>();
        private boolean stopped;
        private int notStarted;

        Batch(List<SQSEvent.SQSMessage> records, Instant startBy) {
            this.records = records;
            this.startBy = startBy;
        }

        SQSBatchResponse run(RecordHandler handler) {
            for (int i = 0; i < records.size(); i++) {
                SQSEvent.SQSMessage record = records.get(i);
                enter(record);
                String group = ordering == Ordering.SKIP_FAILED_GROUP ? SqsRecords.group(record) : "";
                if (stopped) {
                    fail(record);
                } else if (blockedGroups.contains(group)) {
                    // Behind its group's failed record: back at the same time (FIFO keeps the order), not after the
                    // queue's whole visibility timeout.
                    delay(record, groupDelays.get(group));
                    fail(record);
                } else if (startBy != null && !clock.instant().isBefore(startBy)) {
                    notStarted++;
                    retry(record, group, NOT_STARTED_DELAY);
                } else {
                    handle(handler, record, group, records.size() - i - 1);
                }
            }
            MDC.clear();
            if (notStarted > 0) {
                log.info("{} of {} {} records not started within the invocation's time; they go back to the queue", notStarted,
                        records.size(), name);
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failed).build();
        }

        private void handle(RecordHandler handler, SQSEvent.SQSMessage record, String group, int later) {
            Outcome outcome;
            try {
                outcome = Objects.requireNonNull(handler.handle(record), "outcome");
            } catch (RuntimeException e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                Duration delay = errorDelay.apply(record);
                log.warn("{} record {} failed ({}); {}", name, record.getMessageId(), reason, whatFollows(delay, later));
                recordFailure(record, reason);
                retry(record, group, delay);
                return;
            }
            switch (outcome) {
                case Outcome.Done done -> { }
                case Outcome.Retry r -> retry(record, group, r.delay());
                case Outcome.DeadLetter d -> deadLetter(record, group, d.reason(), later);
            }
        }

        private void deadLetter(SQSEvent.SQSMessage record, String group, String reason, int later) {
            recordFailure(record, reason);
            try {
                if (deadLetters == null) {
                    throw new IllegalStateException("no dead-letter queue to send to");
                }
                deadLetters.send(record, reason);
            } catch (RuntimeException sendFailed) {
                log.warn("{} record {} can never be handled ({}) and could not be dead-lettered ({}); {}", name, record.getMessageId(),
                        reason, sendFailed.getClass().getSimpleName(), whatFollows(null, later));
                retry(record, group, null);
                return;
            }
            metrics.record(Metric.DLQ_MOVES, 1);
            log.warn("{} record {} can never be handled ({}); moved to the dead-letter queue", name, record.getMessageId(), reason);
        }

        /** The record goes back to the queue, after {@code delay} (null: the queue's visibility timeout), as the ordering says. */
        private void retry(SQSEvent.SQSMessage record, String group, Duration delay) {
            delay(record, delay);
            fail(record);
            switch (ordering) {
                case STOP_AT_FIRST_FAILURE -> stopped = true;
                case SKIP_FAILED_GROUP -> {
                    blockedGroups.add(group);
                    if (delay != null) {
                        groupDelays.put(group, delay);
                    }
                }
                case INDEPENDENT -> { }
            }
        }

        private void delay(SQSEvent.SQSMessage record, Duration delay) {
            if (delay == null || visibility == null) {
                return;
            }
            try {
                visibility.delay(record.getReceiptHandle(), delay);
            } catch (RuntimeException e) {
                // It still goes back, after the queue's visibility timeout.
                log.warn("{} record {}: its retry delay could not be set ({})", name, record.getMessageId(), e.getClass().getSimpleName());
            }
        }

        private void fail(SQSEvent.SQSMessage record) {
            failed.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(record.getMessageId()).build());
            if (SqsRecords.receiveCount(record) >= maxReceiveCount) {
                metrics.record(Metric.DLQ_MOVES, 1);
            }
        }

        private void recordFailure(SQSEvent.SQSMessage record, String reason) {
            if (failures != null) {
                failures.record(record.getMessageId(), SqsRecords.receiveCount(record), reason);
            }
        }

        private String whatFollows(Duration delay, int later) {
            String in = delay == null ? "" : " in " + delay.toSeconds() + " s";
            return switch (ordering) {
                case STOP_AT_FIRST_FAILURE -> "it and " + later + " later records go back to the queue" + in;
                case SKIP_FAILED_GROUP -> "it and the later records of its group go back to the queue" + in;
                case INDEPENDENT -> "it goes back to the queue" + in;
            };
        }
    }

    /**
     * Starts a record's log context: the MDC holds its fields only, its {@code messageId} and the trace it continues
     * ({@link Tracing#enter}); the invocation's fields stay ({@link Invocation}).
     */
    static void enter(SQSEvent.SQSMessage record) {
        MDC.clear();
        MDC.put("messageId", record.getMessageId());
        Tracing.enter(record);
    }

    /** How a processor treats records; everything but the name and ordering is optional. */
    public static final class Builder {
        private final String name;
        private final Ordering ordering;
        private int maxReceiveCount = Integer.MAX_VALUE;
        private Metrics metrics = Metrics.none();
        private FailureLog failures;
        private Visibility visibility;
        private DeadLetters deadLetters;
        private Function<SQSEvent.SQSMessage, Duration> errorDelay = r -> null;
        private Duration margin = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder(String name, Ordering ordering) {
            this.name = Objects.requireNonNull(name);
            this.ordering = Objects.requireNonNull(ordering);
        }

        /** The queue's {@code maxReceiveCount}: a record reported as failed on that receive moves to its dead-letter queue. */
        public Builder maxReceiveCount(int maxReceiveCount) {
            this.maxReceiveCount = maxReceiveCount;
            return this;
        }

        public Builder metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        /** Where each failure's reason is kept (records that throw, and records dead-lettered). */
        public Builder failureLog(FailureLog failures) {
            this.failures = failures;
            return this;
        }

        /** How a retry delay is set; without it a failed record comes back after the queue's visibility timeout. */
        public Builder visibility(Visibility visibility) {
            this.visibility = visibility;
            return this;
        }

        /** Where {@link Outcome.DeadLetter} records go. */
        public Builder deadLetters(DeadLetters deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** The retry delay of a record whose handler threw (null, the default: the queue's visibility timeout). */
        public Builder errorDelay(Function<SQSEvent.SQSMessage, Duration> errorDelay) {
            this.errorDelay = Objects.requireNonNull(errorDelay);
            return this;
        }

        /** What a started record may need at most: no record starts when less of the invocation is left. */
        public Builder margin(Duration margin) {
            this.margin = Objects.requireNonNull(margin);
            return this;
        }

        /** The clock the start-by instant is measured on (the invocation's remaining time is read against it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public SqsBatchProcessor build() {
            return new SqsBatchProcessor(this);
        }
    }
}
