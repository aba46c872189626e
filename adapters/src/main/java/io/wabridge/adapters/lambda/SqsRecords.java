package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;

/** What the SQS consumers read from a record besides its body. */
public final class SqsRecords {

    private SqsRecords() {}

    /** How many times SQS delivered the record (its {@code ApproximateReceiveCount}), 0 if unknown. */
    public static int receiveCount(SQSEvent.SQSMessage record) {
        try {
            return Integer.parseInt(record.getAttributes().getOrDefault("ApproximateReceiveCount", "0"));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The record's FIFO message group ("" for a standard queue). */
    public static String group(SQSEvent.SQSMessage record) {
        return record.getAttributes() == null ? "" : record.getAttributes().getOrDefault("MessageGroupId", "");
    }
}
