package io.wabridge.adapters.aws;

import io.wabridge.core.send.SendPacer;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A per-number, per-second send budget shared by every sender instance: one conditional counter item per
 * number and second ({@code PACE#{phoneNumberId}} / {@code {epoch second}}, expiring after a minute).
 */
public final class DynamoDbSendPacer implements SendPacer {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbSendPacer(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean tryAcquire(String phoneNumberId, int perSecond) {
        long second = clock.millis() / 1000;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(TableItems.key(TableItems.pace(phoneNumberId), Long.toString(second)))
                    .updateExpression("ADD sent :one SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(sent) OR sent < :limit")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":limit", AttributeValue.fromN(Integer.toString(perSecond)),
                            ":exp", AttributeValue.fromN(Long.toString(second + 60)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
