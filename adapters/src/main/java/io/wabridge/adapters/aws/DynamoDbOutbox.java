package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.Outbox;
import io.wabridge.core.send.SendFacts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Sends as items {@code OUT#{id}} / {@code MSG} (content as Meta's JSON object), idempotency keys as
 * {@code IDEMP#{tenant}#{key}} (7 days), held sends listed through GSI1 ({@code HELD#{tenant}#{phoneNumberId}}),
 * and the facts the send policy reads (contact window and preferences, template state).
 */
public final class DynamoDbOutbox implements Outbox, SendFacts, io.wabridge.core.send.Sends {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration IDEMPOTENCY_TTL = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    /** The window is the person's, whichever of their ids a send names. */
    private final DynamoDbContactIds ids;

    public DynamoDbOutbox(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.ids = new DynamoDbContactIds(dynamo, table);
        this.clock = clock;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("PK", s(pk), "SK", s(sk)))).item();
        return item == null ? Map.of() : item;
    }

    @Override
    public Optional<Reservation> reserve(TenantId tenant, String idempotencyKey, String fingerprint, String messageId) {
        String pk = "IDEMP#" + tenant.value() + "#" + idempotencyKey;
        try {
            dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(pk), "SK", s("KEY"), "messageId", s(messageId),
                            "fingerprint", s(fingerprint),
                            "expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(IDEMPOTENCY_TTL).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(PK)"));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> first = get(pk, "KEY");
            // A key reserved before fingerprints were kept has none (it then matches any request, as it did).
            return Optional.of(new Reservation(first.get("messageId").s(), str(first, "fingerprint")));
        }
    }

    @Override
    public boolean create(OutboundMessage m) {
        // The pointers first (rewriting them is harmless), so a record never exists without them.
        // Found by contact for a data export or erasure (DynamoDbContactData).
        // Also in the tenant's list of sends (GSI1), for its purge.
        dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(DynamoDbContactData.sendsPk(m.tenant(), m.to())), "SK", s("OUT#" + m.id()),
                "GSI1PK", s("TENANT#" + m.tenant().value() + "#SENDS"), "GSI1SK", s(m.id()))));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(m)).conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void save(OutboundMessage m) {
        Map<String, AttributeValue> item = item(m);
        dynamo.putItem(r -> r.tableName(table).item(item));
        if (m.wamid() != null) {
            // The read API finds a send by Meta's wamid too; the first time, the send is counted in the tenant's usage.
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p.tableName(table)
                                .item(Map.of("PK", s("WAMID#" + m.wamid()), "SK", s("OUT"), "tenantId", s(m.tenant().value()),
                                        "messageId", s(m.id())))
                                .conditionExpression("attribute_not_exists(PK)")).build(),
                        DynamoDbInboundStore.usageCount(table, m.tenant(), m.updatedAt(), "out#" + m.phoneNumberId())));
            } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
                if (e.cancellationReasons().stream().noneMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                    throw e;
                }
                // recorded (and counted) already
            }
        }
    }

    private static Map<String, AttributeValue> item(OutboundMessage m) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s("OUT#" + m.id()));
        item.put("SK", s("MSG"));
        item.put("tenantId", s(m.tenant().value()));
        item.put("phoneNumberId", s(m.phoneNumberId()));
        item.put("to", s(m.to()));
        item.put("type", s(m.type()));
        item.put("state", s(m.state()));
        item.put("attempts", AttributeValue.fromN(Integer.toString(m.attempts())));
        item.put("createdAt", s(m.createdAt().toString()));
        item.put("updatedAt", s(m.updatedAt().toString()));
        try {
            item.put("content", s(JSON.writeValueAsString(m.content())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("content is not serialisable", e);
        }
        if (m.replyTo() != null) {
            item.put("replyTo", s(m.replyTo()));
        }
        if (m.callbackData() != null) {
            item.put("callbackData", s(m.callbackData()));
        }
        if (m.wamid() != null) {
            item.put("wamid", s(m.wamid()));
        }
        if (m.metaStatus() != null) {
            item.put("metaStatus", s(m.metaStatus()));
        }
        if (m.errorCode() != null) {
            item.put("errorCode", AttributeValue.fromN(Integer.toString(m.errorCode())));
        }
        if (m.error() != null) {
            item.put("error", s(m.error()));
        }
        if (m.state().equals("held")) {
            item.put("GSI1PK", s("HELD#" + m.tenant().value() + "#" + m.phoneNumberId()));
            item.put("GSI1SK", s(m.createdAt() + "#" + m.id()));
        }
        return item;
    }

    @Override
    public Optional<OutboundMessage> get(TenantId tenant, String id) {
        Map<String, AttributeValue> item = get("OUT#" + id, "MSG");
        if (item.isEmpty() || !tenant.value().equals(item.get("tenantId").s())) {
            return Optional.empty();
        }
        return Optional.of(message(item));
    }

    /** A send by Meta's wamid, for the read API. */
    public Optional<OutboundMessage> byWamid(TenantId tenant, String wamid) {
        Map<String, AttributeValue> pointer = get("WAMID#" + wamid, "OUT");
        return pointer.isEmpty() ? Optional.empty() : get(tenant, pointer.get("messageId").s());
    }

    @Override
    public Optional<String> confirmedWamid(String id) {
        Map<String, AttributeValue> item = get("OUTCB#" + id, "WAMID");
        return item.isEmpty() ? Optional.empty() : Optional.of(item.get("wamid").s());
    }

    @Override
    public List<OutboundMessage> held(TenantId tenant, String phoneNumberId, int limit) {
        var page = dynamo.query(r -> r.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p")
                .expressionAttributeValues(Map.of(":p", s("HELD#" + tenant.value() + "#" + phoneNumberId))).limit(limit));
        List<OutboundMessage> out = new ArrayList<>();
        for (Map<String, AttributeValue> key : page.items()) {
            get(tenant, key.get("PK").s().substring("OUT#".length())).filter(m -> m.state().equals("held")).ifPresent(out::add);
        }
        return out;
    }

    private static OutboundMessage message(Map<String, AttributeValue> item) {
        Map<String, Object> content;
        try {
            content = JSON.readValue(item.get("content").s(), new TypeReference<Map<String, Object>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored content is not readable", e);
        }
        return new OutboundMessage(item.get("PK").s().substring("OUT#".length()), new TenantId(item.get("tenantId").s()),
                item.get("phoneNumberId").s(), item.get("to").s(), item.get("type").s(), content, str(item, "replyTo"),
                item.get("state").s(), str(item, "wamid"), Integer.parseInt(item.get("attempts").n()),
                item.containsKey("errorCode") ? Integer.valueOf(item.get("errorCode").n()) : null, str(item, "error"),
                Instant.parse(item.get("createdAt").s()), Instant.parse(item.get("updatedAt").s()), str(item, "callbackData"),
                str(item, "metaStatus"));
    }

    // ----- SendFacts ---------------------------------------------------------------------------------------------

    @Override
    public Optional<ContactFacts> contact(TenantId tenant, String phoneNumberId, String to) {
        String pk = "TENANT#" + tenant.value() + "#CHANNEL#" + phoneNumberId;
        String key = ids.contactKey(tenant, to.startsWith("+") ? to.substring(1) : to);
        Map<String, AttributeValue> item = get(pk, "CONTACT#" + key);
        if (item.isEmpty()) {
            Map<String, AttributeValue> alias = get(pk, "WAID#" + key);
            if (alias.isEmpty()) {
                return Optional.empty();
            }
            item = get(pk, "CONTACT#" + alias.get("contactKey").s());
            if (item.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new ContactFacts(item.containsKey("lastInboundAt") ? Instant.parse(item.get("lastInboundAt").s()) : null));
    }

    @Override
    public Optional<TemplateFacts> template(TenantId tenant, String wabaId, String name, String language) {
        Map<String, AttributeValue> item = get("TENANT#" + tenant.value(), "TEMPLATE#" + wabaId + "#" + name + "#" + language);
        return item.isEmpty() ? Optional.empty() : Optional.of(new TemplateFacts(str(item, "status"), str(item, "category"),
                str(item, "pendingCategory"), str(item, "pendingCategoryAt") == null ? null : Instant.parse(str(item, "pendingCategoryAt")),
                io.wabridge.core.send.TemplateShape.decode(str(item, "shape"))));
    }

    @Override
    public boolean templatesSynced(TenantId tenant, String wabaId) {
        return !get("TENANT#" + tenant.value(), DynamoDbTemplates.syncedSortKey(wabaId)).isEmpty();
    }
}
