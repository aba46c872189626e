package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.meta.OutboundContentJson;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.WabaId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.send.OutboundContent;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.Outbox;
import io.wabridge.core.send.SendFacts;
import io.wabridge.core.send.SendState;
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
        String pk = TableItems.idempotency(tenant, idempotencyKey);
        try {
            dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(pk), "SK", s(TableItems.IDEMPOTENCY), "messageId", s(messageId),
                            "fingerprint", s(fingerprint),
                            "expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(IDEMPOTENCY_TTL).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(PK)"));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> first = get(pk, TableItems.IDEMPOTENCY);
            // A key reserved before fingerprints were kept has none (it then matches any request, as it did).
            return Optional.of(new Reservation(first.get("messageId").s(), str(first, "fingerprint")));
        }
    }

    @Override
    public boolean create(OutboundMessage m) {
        // The pointers first (rewriting them is harmless), so a record never exists without them.
        // Found by contact for a data export or erasure (DynamoDbContactData).
        // Also in the tenant's list of sends (GSI1), for its purge.
        dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(DynamoDbContactData.sendsPk(m.tenant(), m.to())), "SK", s(TableItems.send(m.id())),
                "GSI1PK", s(TableItems.tenantSends(m.tenant())), "GSI1SK", s(m.id()))));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(m)).conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void save(OutboundMessage m) {
        // The wamid pointer (and the usage count) first, as create() writes its pointers first: a process killed between
        // the two writes leaves a pointer to a record not yet sent (written again when the send is settled), never a sent
        // record that its wamid does not find and the tenant's usage does not count.
        wamidPointer(m);
        dynamo.putItem(r -> r.tableName(table).item(item(m)));
    }

    @Override
    public boolean replace(OutboundMessage m, OutboundMessage expected) {
        wamidPointer(m);
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(m)).conditionExpression("#state = :state AND attempts = :attempts AND updatedAt = :at")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(expected.state().wireName()), ":attempts", AttributeValue.fromN(Integer.toString(expected.attempts())),
                            ":at", s(expected.updatedAt().toString()))));
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
        return true;
    }

    private void wamidPointer(OutboundMessage m) {
        if (m.wamid() != null) {
            // The read API finds a send by Meta's wamid too; the first time, the send is counted in the tenant's usage.
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p.tableName(table)
                                .item(Map.of("PK", s(TableItems.wamid(m.wamid().value())), "SK", s(TableItems.SEND_POINTER), "tenantId", s(m.tenant().value()),
                                        "messageId", s(m.id())))
                                .conditionExpression("attribute_not_exists(PK)")).build(),
                        DynamoDbInboundStore.usageCount(table, m.tenant(), m.updatedAt(), io.wabridge.core.tenant.Usage.outbound(m.phoneNumberId().value()))));
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
        item.putAll(TableItems.key(TableItems.send(m.id()), TableItems.SEND));
        item.put("tenantId", s(m.tenant().value()));
        item.put("phoneNumberId", s(m.phoneNumberId().value()));
        item.put("to", s(m.to()));
        item.put("type", s(m.type()));
        item.put("state", s(m.state().wireName()));
        item.put("attempts", AttributeValue.fromN(Integer.toString(m.attempts())));
        item.put("createdAt", s(m.createdAt().toString()));
        item.put("updatedAt", s(m.updatedAt().toString()));
        try {
            item.put("content", s(JSON.writeValueAsString(OutboundContentJson.stored(m.content()))));
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
            item.put("wamid", s(m.wamid().value()));
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
        if (m.state() == SendState.HELD) {
            item.put("GSI1PK", s(TableItems.held(m.tenant(), m.phoneNumberId().value())));
            item.put("GSI1SK", s(m.createdAt() + "#" + m.id()));
        }
        return item;
    }

    @Override
    public Optional<OutboundMessage> get(TenantId tenant, String id) {
        Map<String, AttributeValue> item = get(TableItems.send(id), TableItems.SEND);
        if (item.isEmpty() || !tenant.value().equals(item.get("tenantId").s())) {
            return Optional.empty();
        }
        return Optional.of(message(item));
    }

    /** A send by Meta's wamid, for the read API. */
    public Optional<OutboundMessage> byWamid(TenantId tenant, String wamid) {
        Map<String, AttributeValue> pointer = get(TableItems.wamid(wamid), TableItems.SEND_POINTER);
        return pointer.isEmpty() ? Optional.empty() : get(tenant, pointer.get("messageId").s());
    }

    @Override
    public Optional<Wamid> confirmedWamid(String id) {
        Map<String, AttributeValue> item = get(TableItems.sendCallback(id), TableItems.SEND_CALLBACK);
        return item.isEmpty() ? Optional.empty() : Optional.of(new Wamid(item.get("wamid").s()));
    }

    @Override
    public List<OutboundMessage> held(TenantId tenant, PhoneNumberId phoneNumberId, int limit) {
        var page = dynamo.query(r -> r.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p")
                .expressionAttributeValues(Map.of(":p", s(TableItems.held(tenant, phoneNumberId.value())))).limit(limit));
        List<OutboundMessage> out = new ArrayList<>();
        for (Map<String, AttributeValue> key : page.items()) {
            get(tenant, TableItems.sendIdOf(key.get("PK").s())).filter(m -> m.state() == SendState.HELD).ifPresent(out::add);
        }
        return out;
    }

    private static OutboundMessage message(Map<String, AttributeValue> item) {
        OutboundContent content;
        try {
            content = OutboundContentJson.read(item.get("type").s(), JSON.readValue(item.get("content").s(), Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | io.wabridge.core.send.SendRejected e) {
            throw new IllegalStateException("stored content is not readable", e);
        }
        return new OutboundMessage(TableItems.sendIdOf(item.get("PK").s()), new TenantId(item.get("tenantId").s()),
                new PhoneNumberId(item.get("phoneNumberId").s()), item.get("to").s(), content, str(item, "replyTo"),
                SendState.of(item.get("state").s()), str(item, "wamid") == null ? null : new Wamid(str(item, "wamid")), Integer.parseInt(item.get("attempts").n()),
                item.containsKey("errorCode") ? Integer.valueOf(item.get("errorCode").n()) : null, str(item, "error"),
                Instant.parse(item.get("createdAt").s()), Instant.parse(item.get("updatedAt").s()), str(item, "callbackData"),
                str(item, "metaStatus"));
    }

    // ----- SendFacts ---------------------------------------------------------------------------------------------

    @Override
    public Optional<ContactFacts> contact(TenantId tenant, String phoneNumberId, String to) {
        String pk = TableItems.channelContacts(tenant, phoneNumberId);
        String key = ids.contactKey(tenant, to.startsWith("+") ? to.substring(1) : to);
        Map<String, AttributeValue> item = get(pk, TableItems.contact(key));
        if (item.isEmpty()) {
            Map<String, AttributeValue> alias = get(pk, TableItems.waIdAlias(key));
            if (alias.isEmpty()) {
                return Optional.empty();
            }
            item = get(pk, TableItems.contact(alias.get("contactKey").s()));
            if (item.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new ContactFacts(item.containsKey("lastInboundAt") ? Instant.parse(item.get("lastInboundAt").s()) : null));
    }

    @Override
    public Optional<TemplateFacts> template(TenantId tenant, WabaId wabaId, String name, String language) {
        Map<String, AttributeValue> item = get(TableItems.tenant(tenant), TableItems.template(wabaId.value(), name, language));
        return item.isEmpty() ? Optional.empty() : Optional.of(new TemplateFacts(str(item, "status"), str(item, "category"),
                str(item, "pendingCategory"), str(item, "pendingCategoryAt") == null ? null : Instant.parse(str(item, "pendingCategoryAt")),
                io.wabridge.core.send.TemplateShape.decode(str(item, "shape"))));
    }

    @Override
    public boolean templatesSynced(TenantId tenant, WabaId wabaId) {
        return !get(TableItems.tenant(tenant), DynamoDbTemplates.syncedSortKey(wabaId.value())).isEmpty();
    }
}
