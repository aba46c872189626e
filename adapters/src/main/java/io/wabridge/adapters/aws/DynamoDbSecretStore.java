package io.wabridge.adapters.aws;

import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Encrypted tenant secrets in the table: {@code PK=TENANT#{tenantId}}, {@code SK=SECRET#{phoneNumberId}#{field}},
 * attributes {@code secret} (the encoded envelope), {@code keyId}, {@code updatedAt}. The only place these
 * attribute names live.
 */
public final class DynamoDbSecretStore implements SecretStore {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbSecretStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(SecretContext c) {
        return TableItems.key(TableItems.tenant(c.tenantId()),
                TableItems.secret(c.phoneNumberId(), c.field().wireName()));
    }

    private static Map<String, AttributeValue> item(SecretContext c, EncryptedSecret secret) {
        Map<String, AttributeValue> item = new HashMap<>(key(c));
        item.put("secret", AttributeValue.fromS(secret.encode()));
        item.put("keyId", AttributeValue.fromS(secret.keyId()));
        item.put("updatedAt", AttributeValue.fromS(Instant.now().toString()));
        return item;
    }

    @Override
    public void put(SecretContext context, EncryptedSecret secret) {
        dynamo.putItem(r -> r.tableName(table).item(item(context, secret)));
    }

    @Override
    public Optional<EncryptedSecret> get(SecretContext context) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(context)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(EncryptedSecret.decode(item.get("secret").s()));
    }

    @Override
    public void delete(SecretContext context) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(context)));
    }

    @Override
    public boolean replace(SecretContext context, EncryptedSecret expected, EncryptedSecret replacement) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(context, replacement))
                    .conditionExpression("secret = :expected")
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(expected.encode()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Page notUnderKey(String keyId, String cursor, int limit) {
        List<Stored> out = new ArrayList<>();
        Map<String, AttributeValue> start = DynamoDbCursor.decode(cursor);
        while (true) {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(r -> r.tableName(table).limit(Math.max(limit, 25))
                    .exclusiveStartKey(from)
                    .filterExpression("begins_with(SK, :prefix) AND keyId <> :key")
                    .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(TableItems.SECRETS), ":key", AttributeValue.fromS(keyId))));
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(new Stored(context(item), EncryptedSecret.decode(item.get("secret").s())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (start == null || out.size() >= limit) {
                return new Page(out, DynamoDbCursor.encode(start));
            }
        }
    }

    private static SecretContext context(Map<String, AttributeValue> item) {
        String tenant = TableItems.tenantOf(item.get("PK").s());
        String[] sk = TableItems.secretOf(item.get("SK").s());
        return new SecretContext(tenant, sk[0], SecretField.fromWireName(sk[1]));
    }

}
