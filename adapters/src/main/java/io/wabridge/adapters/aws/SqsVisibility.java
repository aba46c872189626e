package io.wabridge.adapters.aws;

import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Changes a received record's visibility on one queue: when it is received again (a retry delay). */
public final class SqsVisibility {

    /** SQS's longest visibility timeout. */
    public static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsVisibility(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Received again after {@code delay}, from 1 second to {@link #MAX_VISIBILITY}. */
    public void delay(String receiptHandle, Duration delay) {
        sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle)
                .visibilityTimeout((int) Math.max(1, Math.min(delay.toSeconds(), MAX_VISIBILITY.toSeconds()))));
    }
}
