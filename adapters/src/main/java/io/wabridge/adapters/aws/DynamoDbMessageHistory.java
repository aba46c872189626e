package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads what {@link DynamoDbInboundStore} wrote: every query is inside the tenant's own partitions. */
public final class DynamoDbMessageHistory implements MessageHistory {

    private static final String[] STATUSES = {"sent", "delivered", "read", "played", "failed"};

    private final DynamoDbClient dynamo;
    private final String table;

    private final java.util.function.Supplier<S3Objects> largeContent;

    /** A conversation asked for by any id of the person is the person's conversation. */
    private final DynamoDbContactIds ids;

    public DynamoDbMessageHistory(DynamoDbClient dynamo, String table, java.util.function.Supplier<S3Objects> largeContent) {
        this.dynamo = dynamo;
        this.table = table;
        this.ids = new DynamoDbContactIds(dynamo, table);
        this.largeContent = largeContent;
    }

    /** The content inline, or read from the bucket when it was too large for the item. */
    private String content(Map<String, AttributeValue> item) {
        if (!item.containsKey("contentKey")) {
            return str(item, "content");
        }
        return largeContent.get().get(item.get("contentKey").s())
                .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public Page<Conversation> conversations(TenantId tenant, String phoneNumberId, int limit, String cursor) {
        QueryResponse page = query(r -> r.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p")
                .expressionAttributeValues(Map.of(":p", s(TableItems.conversations(tenant, phoneNumberId))))
                .scanIndexForward(false).limit(limit).exclusiveStartKey(decode(cursor)));
        List<Conversation> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            out.add(new Conversation(TableItems.contactKeyOf(item.get("SK").s()), str(item, "waId"), str(item, "userId"),
                    str(item, "profileName"), Instant.parse(item.get("lastInboundAt").s())));
        }
        return new Page<>(out, encode(page));
    }

    @Override
    public Page<StoredMessage> messages(TenantId tenant, String phoneNumberId, String contactKey, int limit, String cursor) {
        QueryResponse page = query(r -> r.tableName(table).keyConditionExpression("PK = :p AND begins_with(SK, :m)")
                .expressionAttributeValues(Map.of(":p", s(TableItems.conversation(tenant, phoneNumberId, ids.contactKey(tenant, contactKey))),
                        ":m", s(TableItems.MESSAGES)))
                .scanIndexForward(false).limit(limit).exclusiveStartKey(decode(cursor)));
        List<StoredMessage> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            out.add(message(item, status(item.get("wamid").s())));
        }
        return new Page<>(out, encode(page));
    }

    @Override
    public Optional<StoredMessage> message(TenantId tenant, String wamid) {
        Map<String, AttributeValue> pointer = get(TableItems.wamid(wamid), TableItems.POINTER);
        Map<String, AttributeValue> status = status(wamid);
        if (!pointer.isEmpty() && tenant.value().equals(pointer.get("tenantId").s())) {
            return Optional.of(message(get(pointer.get("messagePK").s(), pointer.get("messageSK").s()), status));
        }
        if (!status.isEmpty() && tenant.value().equals(str(status, "tenantId"))) {
            // A message the business sent: only its status is known here until the send API stores outbound messages.
            return Optional.of(new StoredMessage(wamid, str(status, "phoneNumberId"), str(status, "recipient"), "outbound", null, null,
                    null, null, null, null, null, str(status, "status"), times(status), str(status, "errors"), null));
        }
        return Optional.empty();
    }

    private StoredMessage message(Map<String, AttributeValue> item, Map<String, AttributeValue> status) {
        String pk = item.get("PK").s();
        return new StoredMessage(item.get("wamid").s(), str(item, "phoneNumberId"), pk.substring(pk.lastIndexOf('#') + 1),
                str(item, "direction"), str(item, "type"), Instant.parse(item.get("sentAt").s()), str(item, "waId"), str(item, "userId"),
                str(item, "profileName"), str(item, "contextWamid"), content(item),
                str(status, "status"), times(status), str(status, "errors"), media(item));
    }

    private static MessageHistory.MediaState media(Map<String, AttributeValue> item) {
        if (!item.containsKey("media")) {
            return null;
        }
        Map<String, AttributeValue> m = item.get("media").m();
        return new MessageHistory.MediaState(str(m, "status"), str(m, "mimeType"), m.containsKey("size") ? Long.valueOf(m.get("size").n()) : null,
                str(m, "key"), str(m, "reason"));
    }

    private static Map<String, Instant> times(Map<String, AttributeValue> status) {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (String st : STATUSES) {
            if (status.containsKey("at_" + st)) {
                out.put(st, Instant.parse(status.get("at_" + st).s()));
            }
        }
        return out;
    }

    private Map<String, AttributeValue> status(String wamid) {
        return get(TableItems.wamid(wamid), TableItems.STATUS);
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(Map.of("PK", s(pk), "SK", s(sk)))).item();
        return item == null ? Map.of() : item;
    }

    private QueryResponse query(java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder> request) {
        try {
            return dynamo.query(request);
        } catch (DynamoDbException e) {
            if (e.statusCode() == 400 && e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
                throw new InvalidCursor();
            }
            throw e;
        }
    }

    private static String encode(QueryResponse page) {
        return page.hasLastEvaluatedKey() ? DynamoDbCursor.encode(page.lastEvaluatedKey()) : null;
    }

    private static Map<String, AttributeValue> decode(String cursor) {
        try {
            return DynamoDbCursor.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursor();
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
