package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.FailureLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code PK=QUEUE_FAILURE#{sqs message id}}, {@code SK=FAILURE}: the latest reason and receive count of a
 * record that failed, kept 14 days (as long as SQS keeps a dead letter).
 */
public final class DynamoDbFailureLog implements FailureLog {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbFailureLog.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbFailureLog(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public void record(String queueMessageId, int receiveCount, String reason) {
        try {
            Map<String, AttributeValue> item = new java.util.HashMap<>(TableItems.queueFailure(queueMessageId));
            item.putAll(Map.of("reason", AttributeValue.fromS(reason.length() > 1000 ? reason.substring(0, 1000) : reason),
                    "receiveCount", AttributeValue.fromN(Integer.toString(receiveCount)),
                    "at", AttributeValue.fromS(clock.instant().toString()),
                    "expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(Duration.ofDays(14)).getEpochSecond()))));
            dynamo.putItem(r -> r.tableName(table).item(item));
        } catch (SdkException e) {
            log.warn("could not record the failure of {}: {}", queueMessageId, e.getClass().getSimpleName());
        }
    }
}
