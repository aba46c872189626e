package io.wabridge.functions.inbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.S3Objects;
import io.wabridge.adapters.aws.SqsInboundQueue;
import java.util.function.Supplier;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatchProcessor;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.metrics.Metric;
import java.util.Locale;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.inbound.FailureLog;
import io.wabridge.core.inbound.InboundUpdate;
import io.wabridge.core.inbound.ProcessInboundUpdate;
import io.wabridge.core.webhook.MalformedWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the inbound FIFO queue ({@code ReportBatchItemFailures}). On the first record that fails it
 * reports that record and every later one, so SQS redelivers them in order (AWS: "with FIFO, stop at
 * the first failure"); after {@code maxReceiveCount} a record that keeps failing moves to the dead-letter
 * queue, and the failure log says why ({@code QUEUE_FAILURE#{message id}}).
 *
 * <p>A record that can never be read ({@link MalformedWebhook}: a permanent error, no retry changes it) is not
 * retried: it is put on the dead-letter queue at once with its reason (message attribute
 * {@code DeadLetterReason}) and counted as done, so its conversation goes on without waiting out
 * {@code maxReceiveCount} visibility timeouts behind it (15 minutes).
 *
 * <p>No record starts when less of the invocation is left than {@link #RECORD_RESERVE}: it and the later ones go
 * back to the queue instead of being returned with a timed-out batch ({@code SqsBatchProcessor}).
 */
public final class InboundQueueHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(InboundQueueHandler.class);
    /** What a record may need at most (a few store writes, events and queue sends); none starts with less time left. */
    static final java.time.Duration RECORD_RESERVE = java.time.Duration.ofSeconds(10);

    private final MetaWebhookParser parser;
    private final ProcessInboundUpdate process;
    private final Supplier<S3Objects> payloads;
    private final EmfMetrics metrics;
    private final SqsBatchProcessor batch;
    /** Where the updates of a whole delivery go once split (the inbound queue itself). */
    private final Supplier<io.wabridge.core.webhook.InboundQueue> requeue;

    /** Puts a record on the dead-letter queue with the reason it can never be processed. */
    interface DeadLetters {
        void send(SQSEvent.SQSMessage record, String reason);
    }

    public InboundQueueHandler() {
        this(Components.fromEnvironment());
    }

    public InboundQueueHandler(Components components) {
        this(components.webhookParser(), components.processInboundUpdate(), components.failureLog(), components::media,
                components.config().maxReceiveCount(), components.metrics(), components.inboundDeadLetters()::send, components::inboundQueue);
    }

    InboundQueueHandler(MetaWebhookParser parser, ProcessInboundUpdate process, FailureLog failures, Supplier<S3Objects> payloads,
                        DeadLetters deadLetters) {
        this(parser, process, failures, payloads, Integer.MAX_VALUE, EmfMetrics.discarding(), deadLetters, () -> {
            throw new IllegalStateException("no inbound queue to split a delivery into");
        });
    }

    InboundQueueHandler(MetaWebhookParser parser, ProcessInboundUpdate process, FailureLog failures, Supplier<S3Objects> payloads,
                        int maxReceiveCount, EmfMetrics metrics, DeadLetters deadLetters, Supplier<io.wabridge.core.webhook.InboundQueue> requeue) {
        this.requeue = requeue;
        this.parser = parser;
        this.process = process;
        this.payloads = payloads;
        this.metrics = metrics;
        // The batch policies, built once: the processor keeps no state between batches.
        this.batch = SqsBatchProcessor.of("inbound", SqsBatchProcessor.Ordering.STOP_AT_FIRST_FAILURE)
                .maxReceiveCount(maxReceiveCount).metrics(metrics).failureLog(failures).deadLetters(deadLetters::send).margin(RECORD_RESERVE)
                .build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, metrics, () -> batch.process(event, context, this::handle));
    }

    private SqsBatchProcessor.Outcome handle(SQSEvent.SQSMessage record) {
        try {
            if (SqsInboundQueue.isDelivery(record)) {
                // A large delivery the webhook kept whole: split it into its updates, queued by conversation.
                requeue.get().enqueue(parser.split(SqsInboundQueue.body(record, payloads).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                return SqsBatchProcessor.Outcome.DONE;
            }
            for (InboundUpdate update : parser.updates(SqsInboundQueue.body(record, payloads))) {
                ProcessInboundUpdate.Result result = process.process(update);
                metrics.record(Metric.UPDATES_PROCESSED, result.outcome().name().toLowerCase(Locale.ROOT), 1);
                if (result.outcome() == ProcessInboundUpdate.Outcome.DUPLICATE) {
                    metrics.record(Metric.DUPLICATES, 1);
                }
                log.debug("inbound record {}: {} -> {} (tenant {})", record.getMessageId(), update, result.outcome(), result.tenant());
                if (result.outcome() == ProcessInboundUpdate.Outcome.UNROUTED) {
                    log.warn("inbound record {}: {} has no tenant; recorded as unrouted", record.getMessageId(), update);
                }
            }
            return SqsBatchProcessor.Outcome.DONE;
        } catch (MalformedWebhook e) {
            // Permanent: no retry will read it. Dead-lettered now with its reason, so its conversation goes on.
            return SqsBatchProcessor.Outcome.deadLetter("MalformedWebhook: " + e.getMessage());
        }
    }
}
