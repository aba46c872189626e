package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.SqsBotJobs;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatchProcessor;
import io.wabridge.adapters.lambda.SqsRecords;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.send.AnswerWithBot;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Consumes the bot queue (FIFO, one group per conversation): calls the tenant's bot hook for each inbound
 * message and queues its replies. A failed call is retried after a backoff ({@link #backoff}), and the
 * conversation's later messages in the batch come back with it, in order; other conversations in the batch go on
 * ({@link SqsBatchProcessor.Ordering#SKIP_FAILED_GROUP}).
 */
public final class BotHookHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(BotHookHandler.class);
    /** What a record may need at most: a hook call (at most 25 s, the settings' limit) and the history and send around it. */
    static final java.time.Duration RECORD_RESERVE = java.time.Duration.ofSeconds(35);

    private final AnswerWithBot answer;
    private final EmfMetrics metrics;
    private final SqsBatchProcessor batch;

    public BotHookHandler() {
        this(Components.fromEnvironment());
    }

    public BotHookHandler(Components components) {
        this(components.answerWithBot(), components.visibility(components.config().botQueueUrl())::delay,
                components.config().maxReceiveCount(), components.metrics());
    }

    BotHookHandler(AnswerWithBot answer, OutboundQueueHandler.Visibility visibility, int maxReceiveCount, EmfMetrics metrics) {
        this.answer = answer;
        this.metrics = metrics;
        // The batch policies, built once: the processor keeps no state between batches.
        this.batch = SqsBatchProcessor.of("bot", SqsBatchProcessor.Ordering.SKIP_FAILED_GROUP)
                .maxReceiveCount(maxReceiveCount).metrics(metrics).visibility(visibility::delay)
                .errorDelay(record -> backoff(SqsRecords.receiveCount(record))).margin(RECORD_RESERVE).build();
    }

    /** 5 s, 10 s, 20 s, ... up to 15 minutes: a failing hook is not hammered, a flaky one is retried soon. */
    static java.time.Duration backoff(int receiveCount) {
        return java.time.Duration.ofSeconds(Math.min(900, 5L << Math.min(Math.max(receiveCount - 1, 0), 8)));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, metrics, () -> batch.process(event, context, this::handle));
    }

    private SqsBatchProcessor.Outcome handle(SQSEvent.SQSMessage record) {
        SqsBotJobs.Job job = SqsBotJobs.parse(record.getBody());
        MDC.put("tenantId", job.tenant().value());
        MDC.put("phoneNumberId", job.phoneNumberId());
        MDC.put("wamid", job.wamid());
        log.debug("bot hook for {}: {}", job.wamid(), answer.answer(job.tenant(), job.phoneNumberId(), job.wamid()));
        return SqsBatchProcessor.Outcome.DONE;
    }
}
