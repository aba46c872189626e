package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.PublishOnceLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The publish-once ledger in the table: one item per published event key ({@link TableItems#eventLog}),
 * expiring after 8 days, read with a consistent read.
 */
public final class DynamoDbPublishOnceLedger implements PublishOnceLedger {

    /** How long a published key is remembered: longer than any retry of the effect that raised it. */
    public static final Duration TTL = Duration.ofDays(8);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbPublishOnceLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean published(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(itemKey(key))).item();
        return item != null && !item.isEmpty();
    }

    @Override
    public void markPublished(String key) {
        Map<String, AttributeValue> item = new HashMap<>(itemKey(key));
        item.put(TableItems.TTL, AttributeValue.fromN(Long.toString(clock.instant().plus(TTL).getEpochSecond())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> itemKey(String key) {
        return TableItems.eventLog(key);
    }
}
