package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.SqsOutboundQueue;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatch;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.inbound.FailureLog;
import io.wabridge.core.send.DeliverSend;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Consumes the outbound FIFO queue ({@code ReportBatchItemFailures}). A send to retry later is reported as
 * failed with its visibility set to the delay its error class calls for (backoff with jitter, 4^n s for the
 * pair limit, a day for a marketing cap); the later records of the same conversation (message group) are
 * reported too, with the same delay, so they stay behind it, while other conversations in the batch go on.
 *
 * <p>The batch is worked within the invocation's time: a record starts only while the rest of the invocation
 * can hold a whole Graph call and its writes ({@link #CALL_RESERVE}), and pacing waits no longer than that;
 * the records not started go back to the queue at once (visibility 1 s), and so do the records behind them
 * in their conversation. Without this, a batch of 10 whose records each waited for their number's budget
 * (up to 10 s) or for a slow store ran past the function's timeout, and Lambda then returned the whole batch
 * to the queue only after the queue's visibility timeout (issue 12, the stalled 10-number send bench). Each
 * record not started costs a receive (the queue dead-letters after 10), so the function's timeout (60 s)
 * leaves most of the invocation for starting records.
 */
public final class OutboundQueueHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(OutboundQueueHandler.class);
    /** What a started record may still need: Meta's call at its longest and the outbox writes around it. */
    static final Duration CALL_RESERVE = Wiring.GRAPH_TIMEOUT.plusSeconds(5);
    /** A record not started for lack of time is received again this soon. */
    static final Duration NOT_STARTED_DELAY = Duration.ofSeconds(1);

    /** Changes a received record's visibility (the retry delay). */
    interface Visibility {
        void delay(String receiptHandle, Duration delay);
    }

    private final DeliverSend deliver;
    private final Visibility visibility;
    private final FailureLog failures;
    private final int maxReceiveCount;
    private final EmfMetrics metrics;
    private final Clock clock;

    public OutboundQueueHandler() {
        this(Components.fromEnvironment());
    }

    public OutboundQueueHandler(Components components) {
        this(components.deliverSend(), components.visibility(components.config().outboundQueueUrl())::delay, components.failureLog(),
                components.config().maxReceiveCount(), components.metrics(), Clock.systemUTC());
    }

    OutboundQueueHandler(DeliverSend deliver, Visibility visibility, FailureLog failures, int maxReceiveCount, EmfMetrics metrics,
                         Clock clock) {
        this.deliver = deliver;
        this.visibility = visibility;
        this.failures = failures;
        this.maxReceiveCount = maxReceiveCount;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        // The last moment a record's Graph call may start and still finish inside this invocation.
        java.time.Instant callBy = clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(CALL_RESERVE);
        return Invocation.run(context, metrics, () -> handle(SqsBatch.records(event), callBy));
    }

    private SQSBatchResponse handle(List<SQSEvent.SQSMessage> records, java.time.Instant callBy) {
        SqsBatch batch = new SqsBatch(maxReceiveCount, metrics);
        Set<String> blockedGroups = new HashSet<>();
        java.util.Map<String, Duration> groupDelays = new java.util.HashMap<>();
        int notStarted = 0;
        for (SQSEvent.SQSMessage record : records) {
            String group = io.wabridge.adapters.lambda.SqsRecords.group(record);
            batch.enter(record); // the log fields of this record only (JsonLogger writes them)
            if (blockedGroups.contains(group)) {
                // Behind its group's first record: back at the same time (FIFO keeps the order), not after the
                // queue's whole visibility timeout.
                Duration delay = groupDelays.get(group);
                if (delay != null) {
                    visibility.delay(record.getReceiptHandle(), delay);
                }
                batch.fail(record);
                continue;
            }
            if (!clock.instant().isBefore(callBy)) {
                visibility.delay(record.getReceiptHandle(), NOT_STARTED_DELAY);
                blockedGroups.add(group);
                groupDelays.put(group, NOT_STARTED_DELAY);
                batch.fail(record);
                notStarted++;
                continue;
            }
            try {
                SqsOutboundQueue.Job job = SqsOutboundQueue.parse(record.getBody());
                MDC.put("tenantId", job.tenant().value());
                DeliverSend.Result result = deliver.deliver(job.tenant(), job.id(), job.send(), callBy);
                // Sends by outcome: the settled state (sent, failed, held, ...), "unconfirmed" when a lost answer waits
                // for its status (up to an hour), or "retried" when it goes back to the queue for any other reason.
                metrics.record(Metric.SENDS, result.done() || result.state().equals("unconfirmed") ? result.state() : "retried", 1);
                if (!result.done()) {
                    visibility.delay(record.getReceiptHandle(), result.retryAfter());
                    blockedGroups.add(group);
                    groupDelays.put(group, result.retryAfter());
                    batch.fail(record);
                    log.info("send {} {}: retry in {} s", job.id(), result.state(), result.retryAfter().toSeconds());
                } else {
                    log.debug("send {}: {}", job.id(), result.state());
                }
            } catch (RuntimeException e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("outbound record {} failed ({}); it goes back to the queue", record.getMessageId(), reason);
                failures.record(record.getMessageId(), io.wabridge.adapters.lambda.SqsRecords.receiveCount(record), reason);
                metrics.record(Metric.SENDS, "error", 1);
                blockedGroups.add(group);
                batch.fail(record);
            }
        }
        if (notStarted > 0) {
            MDC.clear();
            log.info("{} of {} records not started within the invocation's time; they go back to the queue", notStarted, records.size());
        }
        return batch.response();
    }
}
