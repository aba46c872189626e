package io.wabridge.adapters.aws;

import io.wabridge.core.webhook.InboundQueue;
import io.wabridge.core.webhook.WebhookUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The inbound FIFO queue, fed in batches of up to ten updates. Each update's deduplication id is the
 * SHA-256 of its bytes, so an update Meta redelivers within SQS's five-minute window is queued once;
 * later redeliveries are caught by the consumer's idempotent writes.
 */
public final class SqsInboundQueue implements InboundQueue {

    /** SQS's message size limit (256 KiB); larger updates need a claim check (not built yet). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final int MAX_BATCH_BYTES = 256 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsInboundQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(List<WebhookUpdate> updates) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (WebhookUpdate u : updates) {
            if (u.body().length > MAX_MESSAGE_BYTES) {
                throw new EnqueueFailed("an update of " + u.body().length + " bytes exceeds the queue's message limit", null);
            }
            if (batch.size() == 10 || batchBytes + u.body().length > MAX_BATCH_BYTES) {
                send(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                    .messageBody(new String(u.body(), StandardCharsets.UTF_8))
                    .messageGroupId(u.groupId()).messageDeduplicationId(u.deduplicationId()).build());
            batchBytes += u.body().length;
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        try {
            var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new EnqueueFailed(response.failed().size() + " of " + entries.size() + " updates were refused: "
                        + response.failed().get(0).code(), null);
            }
        } catch (SdkException e) {
            throw new EnqueueFailed("could not enqueue webhook updates to the inbound queue", e);
        }
    }
}
