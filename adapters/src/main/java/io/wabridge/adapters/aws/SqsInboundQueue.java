package io.wabridge.adapters.aws;

import io.wabridge.core.webhook.InboundQueue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The inbound FIFO queue. The deduplication id is the SHA-256 of the body, so a webhook Meta redelivers
 * within SQS's five-minute window is queued once; later redeliveries are caught by the consumer's
 * idempotent writes.
 */
public final class SqsInboundQueue implements InboundQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsInboundQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(byte[] rawBody) {
        String digest = sha256(rawBody);
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl)
                    .messageBody(new String(rawBody, StandardCharsets.UTF_8))
                    // One delivery is one group for now; the inbound issue splits deliveries into
                    // per-conversation updates and groups them by phone number and contact.
                    .messageGroupId(digest)
                    .messageDeduplicationId(digest));
        } catch (SdkException e) {
            throw new EnqueueFailed("could not enqueue webhook to the inbound queue", e);
        }
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
