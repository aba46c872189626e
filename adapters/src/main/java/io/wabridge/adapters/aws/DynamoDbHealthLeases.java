package io.wabridge.adapters.aws;

import io.wabridge.core.health.HealthLeases;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A channel's health-check claim: one item per number ({@code HEALTH#{phoneNumberId}} / {@code LEASE}) with the
 * last period claimed, written only if that period is later than the stored one; it expires on its own.
 */
public final class DynamoDbHealthLeases implements HealthLeases {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbHealthLeases(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String phoneNumberId) {
        return TableItems.healthLease(phoneNumberId);
    }

    @Override
    public boolean claim(String phoneNumberId, long period, Instant expiresAt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key(phoneNumberId));
        item.put("period", AttributeValue.fromN(Long.toString(period)));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(PK) OR #p < :p")
                    .expressionAttributeNames(Map.of("#p", "period"))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromN(Long.toString(period)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void release(String phoneNumberId, long period) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(phoneNumberId)).conditionExpression("#p = :p")
                    .expressionAttributeNames(Map.of("#p", "period"))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromN(Long.toString(period)))));
        } catch (ConditionalCheckFailedException e) {
            // Claimed for a later period meanwhile: that claim stays.
        }
    }
}
