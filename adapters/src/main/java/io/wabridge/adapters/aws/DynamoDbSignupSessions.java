package io.wabridge.adapters.aws;

import io.wabridge.core.channel.SignupSessions;
import io.wabridge.core.inbound.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Signup sessions as items {@code SIGNUP#{id}} / {@code SESSION}, kept a day past their expiry (TTL). */
public final class DynamoDbSignupSessions implements SignupSessions {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbSignupSessions(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String id) {
        return TableItems.signupSession(id);
    }

    @Override
    public void create(Session s) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key(s.id()));
        item.putAll(Map.of("tenantId", AttributeValue.fromS(s.tenant().value()), "createdAt", AttributeValue.fromS(s.createdAt().toString()),
                        "sessionExpiresAt", AttributeValue.fromS(s.expiresAt().toString()),
                        "expiresAt", AttributeValue.fromN(Long.toString(s.expiresAt().plus(Duration.ofDays(1)).getEpochSecond()))));
        dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)"));
    }

    @Override
    public Optional<Session> get(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(id)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Session(id, new TenantId(item.get("tenantId").s()), Instant.parse(item.get("createdAt").s()),
                Instant.parse(item.get("sessionExpiresAt").s()), item.containsKey("outcome") ? item.get("outcome").s() : null));
    }

    @Override
    public boolean consume(String id, String outcome) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(id)).updateExpression("SET outcome = :o")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(outcome)")
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(outcome))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void recordOutcome(String id, String outcome) {
        dynamo.updateItem(r -> r.tableName(table).key(key(id)).updateExpression("SET outcome = :o")
                .conditionExpression("attribute_exists(PK)").expressionAttributeValues(Map.of(":o", AttributeValue.fromS(outcome))));
    }
}
