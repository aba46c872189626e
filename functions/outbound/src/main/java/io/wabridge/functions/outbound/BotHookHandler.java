package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.aws.SqsBotJobs;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.lambda.SqsBatch;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.send.AnswerWithBot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Consumes the bot queue (FIFO, one group per conversation): calls the tenant's bot hook for each inbound
 * message and queues its replies. A failed call is retried (the conversation's later messages wait behind
 * it); other conversations in the batch go on.
 */
public final class BotHookHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger log = LoggerFactory.getLogger(BotHookHandler.class);

    private final AnswerWithBot answer;
    private final OutboundQueueHandler.Visibility visibility;
    private final int maxReceiveCount;
    private final EmfMetrics metrics;

    public BotHookHandler() {
        this(Components.fromEnvironment());
    }

    public BotHookHandler(Components components) {
        this(components.answerWithBot(), components.visibility(components.config().botQueueUrl())::delay,
                components.config().maxReceiveCount(), components.metrics());
    }

    BotHookHandler(AnswerWithBot answer, OutboundQueueHandler.Visibility visibility, int maxReceiveCount, EmfMetrics metrics) {
        this.answer = answer;
        this.visibility = visibility;
        this.maxReceiveCount = maxReceiveCount;
        this.metrics = metrics;
    }

    /** 5 s, 10 s, 20 s, ... up to 15 minutes: a failing hook is not hammered, a flaky one is retried soon. */
    static java.time.Duration backoff(int receiveCount) {
        return java.time.Duration.ofSeconds(Math.min(900, 5L << Math.min(Math.max(receiveCount - 1, 0), 8)));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, metrics, () -> handle(SqsBatch.records(event)));
    }

    private SQSBatchResponse handle(List<SQSEvent.SQSMessage> records) {
        SqsBatch batch = new SqsBatch(maxReceiveCount, metrics);
        Set<String> blocked = new HashSet<>();
        for (SQSEvent.SQSMessage record : records) {
            String group = io.wabridge.adapters.lambda.SqsRecords.group(record);
            batch.enter(record); // the log fields of this record only (JsonLogger writes them)
            if (!blocked.contains(group)) {
                try {
                    SqsBotJobs.Job job = SqsBotJobs.parse(record.getBody());
                    MDC.put("tenantId", job.tenant().value());
                    MDC.put("phoneNumberId", job.phoneNumberId());
                    MDC.put("wamid", job.wamid());
                    log.debug("bot hook for {}: {}", job.wamid(), answer.answer(job.tenant(), job.phoneNumberId(), job.wamid()));
                    continue;
                } catch (RuntimeException e) {
                    int received = io.wabridge.adapters.lambda.SqsRecords.receiveCount(record);
                    log.warn("bot record {} failed ({}: {}); retry in {} s", record.getMessageId(), e.getClass().getSimpleName(), e.getMessage(),
                            backoff(received).toSeconds());
                    visibility.delay(record.getReceiptHandle(), backoff(received));
                    blocked.add(group);
                }
            }
            batch.fail(record);
        }
        return batch.response();
    }
}
