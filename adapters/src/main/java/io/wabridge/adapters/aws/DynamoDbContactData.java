package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.ContactData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A contact's data across the table and the media bucket: per channel the contact record
 * ({@code CONTACT#{key}}, its {@code WAID#} alias) and conversation ({@code CONV#...}: messages, their wamid
 * pointers and statuses, media and large-content objects); the tenant's sends to the contact (found through
 * {@code PK=TENANT#{tenant}#CONTACTOUT#{contact}}, {@code SK=OUT#{id}}, written with each send); audit records
 * ({@code PK=TENANT#{tenant}#AUDIT}, {@code SK={time}#{id}}).
 */
public final class DynamoDbContactData implements ContactData {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Supplier<S3Objects> bucket;

    public DynamoDbContactData(DynamoDbClient dynamo, String table, Supplier<S3Objects> bucket) {
        this.dynamo = dynamo;
        this.table = table;
        this.bucket = bucket;
    }

    /** Where a send to {@code to} is listed under its contact. */
    static String sendsPk(TenantId tenant, String to) {
        String contact;
        try {
            contact = ContactKey.of(to);
        } catch (IllegalArgumentException e) {
            contact = to;
        }
        return "TENANT#" + tenant.value() + "#CONTACTOUT#" + contact;
    }

    /** One channel's records of the contact: the keys of its contact record and alias, and its messages. */
    private record Found(String phoneNumberId, List<Map<String, AttributeValue>> records, List<Map<String, AttributeValue>> messages) {}

    private Found find(TenantId tenant, String contact, String phoneNumberId) {
        String pk = "TENANT#" + tenant.value() + "#CHANNEL#" + phoneNumberId;
        Set<String> keys = new LinkedHashSet<>(List.of(contact));
        List<Map<String, AttributeValue>> records = new ArrayList<>();
        Map<String, AttributeValue> alias = get(pk, "WAID#" + contact);
        if (!alias.isEmpty()) {
            records.add(alias);
            keys.add(alias.get("contactKey").s());
        }
        List<Map<String, AttributeValue>> messages = new ArrayList<>();
        for (String key : keys) {
            Map<String, AttributeValue> record = get(pk, "CONTACT#" + key);
            if (!record.isEmpty()) {
                records.add(record);
                if (record.containsKey("waId")) {
                    Map<String, AttributeValue> waAlias = get(pk, "WAID#" + record.get("waId").s());
                    if (!waAlias.isEmpty() && records.stream().noneMatch(r -> r.get("SK").equals(waAlias.get("SK")))) {
                        records.add(waAlias);
                    }
                }
            }
            for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", s("CONV#" + tenant.value() + "#" + phoneNumberId + "#" + key))))) {
                messages.addAll(page.items());
            }
        }
        return new Found(phoneNumberId, records, messages);
    }

    private List<Map<String, AttributeValue>> sends(TenantId tenant, String contact) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s(sendsPk(tenant, contact)))))) {
            for (Map<String, AttributeValue> pointer : page.items()) {
                Map<String, AttributeValue> send = get("OUT#" + pointer.get("SK").s().substring("OUT#".length()), "MSG");
                out.add(Map.of("pointer", AttributeValue.fromM(pointer), "send", AttributeValue.fromM(send)));
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> export(TenantId tenant, String contact, List<String> phoneNumberIds) {
        List<Map<String, Object>> channels = new ArrayList<>();
        for (String pn : phoneNumberIds) {
            Found f = find(tenant, contact, pn);
            if (f.records().isEmpty() && f.messages().isEmpty()) {
                continue;
            }
            Map<String, Object> channel = new LinkedHashMap<>();
            channel.put("phoneNumberId", pn);
            channel.put("records", f.records().stream().map(DynamoDbContactData::plain).toList());
            channel.put("messages", f.messages().stream().map(DynamoDbContactData::plain).toList());
            channels.add(channel);
        }
        List<Map<String, Object>> sends = new ArrayList<>();
        for (Map<String, AttributeValue> s : sends(tenant, contact)) {
            if (!s.get("send").m().isEmpty()) {
                sends.add(plain(s.get("send").m()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channels", channels);
        out.put("sends", sends);
        return out;
    }

    @Override
    public int erase(TenantId tenant, String contact, List<String> phoneNumberIds) {
        int n = new DynamoDbContactIds(dynamo, table).forget(tenant, contact);
        for (String pn : phoneNumberIds) {
            Found f = find(tenant, contact, pn);
            for (Map<String, AttributeValue> m : f.messages()) {
                String wamid = str(m, "wamid");
                if (m.containsKey("media") && m.get("media").m().containsKey("key")) {
                    bucket.get().delete(m.get("media").m().get("key").s());
                    n++;
                }
                if (m.containsKey("contentKey")) {
                    bucket.get().delete(m.get("contentKey").s());
                    n++;
                }
                if (wamid != null) {
                    n += delete("WAMID#" + wamid, "MSG") + delete("WAMID#" + wamid, "STATUS");
                }
                n += delete(m.get("PK").s(), m.get("SK").s());
            }
            for (Map<String, AttributeValue> r : f.records()) {
                n += delete(r.get("PK").s(), r.get("SK").s());
            }
        }
        for (Map<String, AttributeValue> s : sends(tenant, contact)) {
            Map<String, AttributeValue> send = s.get("send").m();
            Map<String, AttributeValue> pointer = s.get("pointer").m();
            String id = pointer.get("SK").s().substring("OUT#".length());
            if (send.containsKey("wamid")) {
                n += delete("WAMID#" + send.get("wamid").s(), "OUT") + delete("WAMID#" + send.get("wamid").s(), "STATUS");
            }
            n += delete("OUTCB#" + id, "WAMID") + delete("OUT#" + id, "MSG") + delete(pointer.get("PK").s(), pointer.get("SK").s());
        }
        return n;
    }

    @Override
    public void audit(TenantId tenant, String action, String subject, String who, Map<String, Object> detail, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s("TENANT#" + tenant.value() + "#AUDIT"));
        item.put("SK", s(at + "#" + UUID.randomUUID()));
        item.put("action", s(action));
        item.put("subject", s(subject));
        if (who != null) {
            item.put("who", s(who));
        }
        detail.forEach((k, v) -> item.put(k, s(String.valueOf(v))));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of("PK", s(pk), "SK", s(sk)))).item();
        return item == null ? Map.of() : item;
    }

    /** 1 if an item was there and is gone, else 0. */
    private int delete(String pk, String sk) {
        var old = dynamo.deleteItem(r -> r.tableName(table).key(Map.of("PK", s(pk), "SK", s(sk)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        return old == null || old.isEmpty() ? 0 : 1;
    }

    /** An item as plain JSON values (keys and index attributes left out). */
    private static Map<String, Object> plain(Map<String, AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        item.forEach((k, v) -> {
            if (!List.of("PK", "SK", "GSI1PK", "GSI1SK", "tenantId", "expiresAt").contains(k)) {
                out.put(k, value(v));
            }
        });
        return out;
    }

    private static Object value(AttributeValue v) {
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return new java.math.BigDecimal(v.n());
        }
        if (v.bool() != null) {
            return v.bool();
        }
        if (v.hasM()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.m().forEach((k, x) -> m.put(k, value(x)));
            return m;
        }
        if (v.hasL()) {
            return v.l().stream().map(DynamoDbContactData::value).toList();
        }
        return null;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
