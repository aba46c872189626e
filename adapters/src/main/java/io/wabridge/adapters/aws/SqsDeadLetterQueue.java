package io.wabridge.adapters.aws;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.lambda.SqsRecords;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Puts a received record on a (FIFO) dead-letter queue as it was queued (its body, which may be a claim check, and
 * its attributes), in its message group, deduplicated by its message id, with the reason as {@code DeadLetterReason}.
 */
public final class SqsDeadLetterQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetterQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public void send(SQSEvent.SQSMessage record, String reason) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        if (record.getMessageAttributes() != null) {
            record.getMessageAttributes().forEach((name, a) -> {
                if (a.getStringValue() != null) {
                    attributes.put(name, MessageAttributeValue.builder().dataType(a.getDataType()).stringValue(a.getStringValue()).build());
                }
            });
        }
        attributes.put("DeadLetterReason", MessageAttributeValue.builder()
                .dataType("String").stringValue(reason.length() > 1000 ? reason.substring(0, 1000) : reason).build());
        String group = SqsRecords.group(record);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(record.getBody()).messageAttributes(attributes)
                .messageGroupId(group == null || group.isEmpty() ? "dead-letter" : group).messageDeduplicationId(record.getMessageId()));
    }
}
