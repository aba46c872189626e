package io.wabridge.functions.inbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.SqsMediaJobs;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatchProcessor;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.inbound.FailureLog;
import io.wabridge.core.media.FetchMedia;
import io.wabridge.core.media.MediaJob;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Consumes the media queue (standard SQS, {@code ReportBatchItemFailures}): each job copies one inbound
 * message's media from Meta into the media bucket. A failed job is reported alone and retried after the
 * visibility timeout (each retry asks Meta for a fresh URL); after {@code maxReceiveCount} it moves to the
 * media dead-letter queue, with the reason in the failure log. No job starts when less of the invocation is left
 * than {@link #RECORD_RESERVE}; those go back to the queue.
 */
public final class MediaQueueHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(MediaQueueHandler.class);
    /** What a job may need at most (a document of up to 100 MB from Meta to the bucket); none starts with less time left. */
    static final java.time.Duration RECORD_RESERVE = java.time.Duration.ofSeconds(60);

    private final FetchMedia fetch;
    private final EmfMetrics metrics;
    private final SqsBatchProcessor batch;

    public MediaQueueHandler() {
        this(Components.fromEnvironment());
    }

    public MediaQueueHandler(Components components) {
        this(components.fetchMedia(), components.failureLog(), components.config().maxReceiveCount(), components.metrics());
    }

    MediaQueueHandler(FetchMedia fetch, FailureLog failures, int maxReceiveCount, EmfMetrics metrics) {
        this.fetch = fetch;
        this.metrics = metrics;
        // The batch policies, built once: the processor keeps no state between batches.
        this.batch = SqsBatchProcessor.of("media", SqsBatchProcessor.Ordering.INDEPENDENT)
                .maxReceiveCount(maxReceiveCount).metrics(metrics).failureLog(failures).margin(RECORD_RESERVE).build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, metrics, () -> batch.process(event, context, this::handle));
    }

    private SqsBatchProcessor.Outcome handle(SQSEvent.SQSMessage record) {
        MediaJob job = SqsMediaJobs.parse(record.getBody());
        MDC.put("tenantId", job.tenant().value());
        MDC.put("phoneNumberId", job.phoneNumberId());
        MDC.put("wamid", job.wamid());
        FetchMedia.Outcome outcome = fetch.fetch(job);
        log.debug("media {} of {} (tenant {}): {}", job.mediaId(), job.wamid(), job.tenant().value(), outcome);
        return SqsBatchProcessor.Outcome.DONE;
    }
}
