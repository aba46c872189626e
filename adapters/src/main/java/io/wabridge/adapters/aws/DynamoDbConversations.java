package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.Conversations;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Handoff state on the contact item ({@code handoffUntil}, {@code handoffBy}); only for contacts that exist. */
public final class DynamoDbConversations implements Conversations {

    private final DynamoDbClient dynamo;
    private final String table;
    /** Handoff is the person's, whichever of their ids names the conversation. */
    private final DynamoDbContactIds ids;

    public DynamoDbConversations(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.ids = new DynamoDbContactIds(dynamo, table);
    }

    private Map<String, AttributeValue> key(TenantId tenant, String phoneNumberId, String contactKey) {
        return TableItems.key(TableItems.channelContacts(tenant, phoneNumberId), TableItems.contact(ids.contactKey(tenant, contactKey)));
    }

    @Override
    public Optional<Instant> handoffUntil(TenantId tenant, String phoneNumberId, String contactKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenant, phoneNumberId, contactKey))
                .projectionExpression("handoffUntil")).item();
        return item == null || !item.containsKey("handoffUntil") ? Optional.empty() : Optional.of(Instant.parse(item.get("handoffUntil").s()));
    }

    @Override
    public boolean handoff(TenantId tenant, String phoneNumberId, String contactKey, Instant until, String by) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenant, phoneNumberId, contactKey))
                    .updateExpression("SET handoffUntil = :u, handoffBy = :b").conditionExpression("attribute_exists(PK)")
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(until.toString()), ":b", AttributeValue.fromS(by))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean resume(TenantId tenant, String phoneNumberId, String contactKey) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenant, phoneNumberId, contactKey))
                    .updateExpression("REMOVE handoffUntil, handoffBy").conditionExpression("attribute_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
