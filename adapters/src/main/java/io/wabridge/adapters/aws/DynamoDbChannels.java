package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.channel.OnboardingStep;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Channels as items {@code TENANT#{tenant}} / {@code CHANNEL#{phoneNumberId}}: Meta's facts about the
 * number as attributes, the onboarding steps as a JSON list, the health check's findings. Never the token
 * or the PIN. A channel the health check looks after is also in index {@code GSI1} under
 * {@code CHANNEL_HEALTH} / {@code {slot, 5 digits}#{tenant}#{phoneNumberId}}, so a run reads only its slots.
 */
public final class DynamoDbChannels implements Channels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEALTH_INDEX_KEY = TableItems.CHANNEL_HEALTH;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbChannels(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(TenantId tenant, String phoneNumberId) {
        return TableItems.key(TableItems.tenant(tenant), TableItems.channel(phoneNumberId));
    }

    @Override
    public Optional<Channel> get(TenantId tenant, String phoneNumberId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenant, phoneNumberId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(channel(item));
    }

    @Override
    public void save(Channel ch) {
        dynamo.putItem(r -> r.tableName(table).item(item(ch)));
    }

    @Override
    public boolean replace(Channel ch, Instant expectedUpdatedAt) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(ch)).conditionExpression(expectedUpdatedAt == null
                            ? "attribute_exists(PK) AND attribute_not_exists(updatedAt)" : "updatedAt = :u")
                    .expressionAttributeValues(expectedUpdatedAt == null ? null : Map.of(":u", AttributeValue.fromS(expectedUpdatedAt.toString()))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Page healthCheckable(int fromSlot, int toSlot, int limit, String cursor) {
        var page = dynamo.query(r -> r.tableName(table).indexName("GSI1")
                .keyConditionExpression("GSI1PK = :h AND GSI1SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(HEALTH_INDEX_KEY),
                        ":from", AttributeValue.fromS(slot(fromSlot)), ":to", AttributeValue.fromS(slot(toSlot))))
                .limit(limit).exclusiveStartKey(DynamoDbCursor.decode(cursor)));
        List<Channel> out = new ArrayList<>();
        page.items().forEach(item -> out.add(channel(item)));
        return new Page(out, page.hasLastEvaluatedKey() ? DynamoDbCursor.encode(page.lastEvaluatedKey()) : null);
    }

    /** Slot keys sort as numbers ({@code 10000#} after {@code 09999#...}); a slot's items start with its key. */
    private static String slot(int slot) {
        return String.format("%05d#", slot);
    }

    private static Map<String, AttributeValue> item(Channel ch) {
        Map<String, AttributeValue> item = new HashMap<>(key(ch.tenant(), ch.phoneNumberId()));
        item.put("tenantId", AttributeValue.fromS(ch.tenant().value()));
        item.put("phoneNumberId", AttributeValue.fromS(ch.phoneNumberId()));
        item.put("wabaId", AttributeValue.fromS(ch.wabaId()));
        item.put("status", AttributeValue.fromS(ch.status().wireName()));
        item.put("coexistence", AttributeValue.fromBool(ch.coexistence()));
        putIfPresent(item, "businessId", ch.businessId());
        putIfPresent(item, "displayPhoneNumber", ch.displayPhoneNumber());
        putIfPresent(item, "verifiedName", ch.verifiedName());
        putIfPresent(item, "qualityRating", ch.qualityRating());
        putIfPresent(item, "messagingLimit", ch.messagingLimit());
        putIfPresent(item, "throughput", ch.throughput());
        putIfPresent(item, "tokenExpiresAt", ch.tokenExpiresAt() == null ? null : ch.tokenExpiresAt().toString());
        putIfPresent(item, "connectedAt", ch.connectedAt() == null ? null : ch.connectedAt().toString());
        putIfPresent(item, "updatedAt", ch.updatedAt() == null ? null : ch.updatedAt().toString());
        putIfPresent(item, "statusReason", ch.statusReason());
        putIfPresent(item, "statusUntil", ch.statusUntil() == null ? null : ch.statusUntil().toString());
        try {
            List<Map<String, Object>> steps = new ArrayList<>();
            for (OnboardingStep st : ch.steps()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("name", st.name());
                m.put("status", st.status());
                m.put("attempts", st.attempts());
                m.put("errorCode", st.errorCode());
                m.put("error", st.error());
                m.put("at", st.at() == null ? null : st.at().toString());
                m.put("retryAfter", st.retryAfter() == null ? null : st.retryAfter().toString());
                steps.add(m);
            }
            item.put("steps", AttributeValue.fromS(JSON.writeValueAsString(steps)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Channel.Health h = ch.health();
        if (h.tokenValid() != null) {
            item.put("tokenValid", AttributeValue.fromBool(h.tokenValid()));
        }
        if (!h.tokenScopes().isEmpty()) {
            item.put("tokenScopes", AttributeValue.fromL(h.tokenScopes().stream().map(AttributeValue::fromS).toList()));
        }
        putIfPresent(item, "nameStatus", h.nameStatus());
        putIfPresent(item, "numberStatus", h.numberStatus());
        putIfPresent(item, "healthCheckedAt", h.checkedAt() == null ? null : h.checkedAt().toString());
        if (ch.healthChecked()) {
            item.put("GSI1PK", AttributeValue.fromS(HEALTH_INDEX_KEY));
            item.put("GSI1SK", AttributeValue.fromS(slot(ch.healthSlot()) + ch.tenant().value() + "#" + ch.phoneNumberId()));
        }
        return item;
    }

    @Override
    public Page list(TenantId tenant, int limit, String cursor) {
        Map<String, AttributeValue> start;
        try {
            start = DynamoDbCursor.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this API returned");
        }
        var page = dynamo.query(r -> r.tableName(table).keyConditionExpression("PK = :p AND begins_with(SK, :c)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TableItems.tenant(tenant)), ":c", AttributeValue.fromS(TableItems.CHANNELS)))
                .limit(limit).exclusiveStartKey(start));
        List<Channel> out = new ArrayList<>();
        page.items().forEach(item -> out.add(channel(item)));
        return new Page(out, page.hasLastEvaluatedKey() ? DynamoDbCursor.encode(page.lastEvaluatedKey()) : null);
    }

    private static Channel channel(Map<String, AttributeValue> item) {
        List<OnboardingStep> steps = new ArrayList<>();
        try {
            for (JsonNode st : JSON.readTree(item.containsKey("steps") ? item.get("steps").s() : "[]")) {
                steps.add(new OnboardingStep(st.path("name").asText(), st.path("status").asText(), st.path("attempts").asInt(),
                        st.path("errorCode").isNumber() ? st.path("errorCode").asInt() : null, st.path("error").asText(null),
                        st.path("at").isTextual() ? Instant.parse(st.path("at").asText()) : null,
                        st.path("retryAfter").isTextual() ? Instant.parse(st.path("retryAfter").asText()) : null));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("channel steps are not readable", e);
        }
        return new Channel(new TenantId(item.get("tenantId").s()), item.get("phoneNumberId").s(), item.get("wabaId").s(),
                str(item, "businessId"), str(item, "displayPhoneNumber"), str(item, "verifiedName"), str(item, "qualityRating"),
                str(item, "messagingLimit"), str(item, "throughput"), Channel.Status.fromWireName(item.get("status").s()),
                instant(item, "tokenExpiresAt"), item.containsKey("coexistence") && item.get("coexistence").bool(), steps,
                instant(item, "connectedAt"), instant(item, "updatedAt"), new Channel.Health(
                        item.containsKey("tokenValid") ? item.get("tokenValid").bool() : null,
                        item.containsKey("tokenScopes") ? item.get("tokenScopes").l().stream().map(AttributeValue::s).toList() : List.of(),
                        str(item, "nameStatus"), str(item, "numberStatus"), instant(item, "healthCheckedAt")),
                str(item, "statusReason"), instant(item, "statusUntil"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = str(item, name);
        return v == null ? null : Instant.parse(v);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }
}
