package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.SqsOutboundQueue;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatchProcessor;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.inbound.FailureLog;
import io.wabridge.core.send.DeliverSend;
import java.time.Clock;
import java.time.Duration;
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
 * in their conversation. Otherwise a batch of 10 whose records each waited for their number's budget
 * (up to 10 s) or for a slow store would run past the function's timeout, and Lambda would return the whole
 * batch to the queue only after the queue's visibility timeout. Each
 * record not started costs a receive (the queue dead-letters after 10), so the function's timeout (60 s)
 * leaves most of the invocation for starting records.
 */
public final class OutboundQueueHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(OutboundQueueHandler.class);
    /** What a started record may still need: Meta's call at its longest and the outbox writes around it. */
    static final Duration CALL_RESERVE = Wiring.GRAPH_TIMEOUT.plusSeconds(5);
    /** A record not started for lack of time is received again this soon. */
    static final Duration NOT_STARTED_DELAY = SqsBatchProcessor.NOT_STARTED_DELAY;

    /** Changes a received record's visibility (the retry delay). */
    interface Visibility {
        void delay(String receiptHandle, Duration delay);
    }

    private final DeliverSend deliver;
    private final EmfMetrics metrics;
    private final SqsBatchProcessor batch;

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
        this.metrics = metrics;
        // The batch policies, built once: the processor keeps no state between batches.
        this.batch = SqsBatchProcessor.of("outbound", SqsBatchProcessor.Ordering.SKIP_FAILED_GROUP)
                .maxReceiveCount(maxReceiveCount).metrics(metrics).failureLog(failures).visibility(visibility::delay)
                .margin(CALL_RESERVE).clock(clock).build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        // The last moment a record's Graph call may start and still finish inside this invocation.
        java.time.Instant callBy = batch.startBy(context);
        return Invocation.run(context, metrics, () -> batch.process(event, callBy, record -> handle(record, callBy)));
    }

    private SqsBatchProcessor.Outcome handle(SQSEvent.SQSMessage record, java.time.Instant callBy) {
        try {
            SqsOutboundQueue.Job job = SqsOutboundQueue.parse(record.getBody());
            MDC.put("tenantId", job.tenant().value());
            DeliverSend.Result result = deliver.deliver(job.tenant(), job.id(), job.send(), callBy);
            // Sends by outcome: the settled state (sent, failed, held, ...), "unconfirmed" when a lost answer waits
            // for its status (up to an hour), or "retried" when it goes back to the queue for any other reason.
            metrics.record(Metric.SENDS, result.done() || result.state().equals("unconfirmed") ? result.state() : "retried", 1);
            if (!result.done()) {
                log.info("send {} {}: retry in {} s", job.id(), result.state(), result.retryAfter().toSeconds());
                return SqsBatchProcessor.Outcome.retryAfter(result.retryAfter());
            }
            log.debug("send {}: {}", job.id(), result.state());
            return SqsBatchProcessor.Outcome.DONE;
        } catch (RuntimeException e) {
            metrics.record(Metric.SENDS, "error", 1);
            throw e;
        }
    }
}
