package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * One SQS batch as a consumer handles it ({@code ReportBatchItemFailures}): each record's log context, and the
 * records reported as failed. A record reported on its {@code maxReceiveCount}-th receive is moved to the
 * dead-letter queue by SQS; it is counted as a {@link Metric#DLQ_MOVES DLQ move} here, where it is known.
 */
public final class SqsBatch {

    private final int maxReceiveCount;
    private final Metrics metrics;
    private final List<SQSBatchResponse.BatchItemFailure> failed = new ArrayList<>();

    public SqsBatch(int maxReceiveCount, Metrics metrics) {
        this.maxReceiveCount = maxReceiveCount;
        this.metrics = metrics;
    }

    /** The records of an event (none for an empty event). */
    public static List<SQSEvent.SQSMessage> records(SQSEvent event) {
        return event == null || event.getRecords() == null ? List.of() : event.getRecords();
    }

    /**
     * Starts a record's log context: the MDC holds its fields only, from its {@code messageId} and the trace it
     * continues ({@link Tracing#enter}) on.
     */
    public void enter(SQSEvent.SQSMessage record) {
        MDC.clear();
        MDC.put("messageId", record.getMessageId());
        Tracing.enter(record);
    }

    /** Reports the record as failed: SQS delivers it again, or moves it to the dead-letter queue. */
    public void fail(SQSEvent.SQSMessage record) {
        failed.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(record.getMessageId()).build());
        if (SqsRecords.receiveCount(record) >= maxReceiveCount) {
            metrics.record(Metric.DLQ_MOVES, 1);
        }
    }

    public SQSBatchResponse response() {
        return SQSBatchResponse.builder().withBatchItemFailures(failed).build();
    }
}
