package io.wabridge.adapters.aws;

import io.wabridge.core.health.CallBudget;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The health check's Graph calls per WABA and hour, one conditional counter per WABA and hour
 * ({@code CALLS#{wabaId}} / {@code HOUR#{epoch hour}}, attribute {@code calls}, expiring after two hours),
 * shared by every run and instance.
 */
public final class DynamoDbCallBudget implements CallBudget {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbCallBudget(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean take(String wabaId, int calls, int perHour, Instant now) {
        long hour = now.getEpochSecond() / 3600;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(TableItems.key(TableItems.callBudget(wabaId), TableItems.hour(hour)))
                    .updateExpression("ADD calls :n SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(calls) OR calls <= :room")
                    .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(calls)),
                            ":room", AttributeValue.fromN(Integer.toString(perHour - calls)),
                            ":exp", AttributeValue.fromN(Long.toString((hour + 2) * 3600)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The calls taken from the WABA's budget in the hour of {@code at} (for benchmarks and operators). */
    public int taken(String wabaId, Instant at) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(
                TableItems.key(TableItems.callBudget(wabaId), TableItems.hour(at.getEpochSecond() / 3600)))).item();
        return item == null || !item.containsKey("calls") ? 0 : Integer.parseInt(item.get("calls").n());
    }
}
