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
 * pointers and statuses, media and large-content objects); the tenant's sends to the contact and the statuses
 * of messages sent to it outside WaBridge (found through {@code PK=TENANT#{tenant}#CONTACTOUT#{contact}}, written
 * with each send or status); the person's ids; notification recipients addressed to it; opt-in reminders; audit
 * records ({@code PK=TENANT#{tenant}#AUDIT}, {@code SK={time}#{id}}). {@link TableItems#TYPES} says which item
 * types each of export, erasure and purge reaches.
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
        return TableItems.contactSends(tenant, contact);
    }

    /** One channel's records of the contact: the keys of its contact record and alias, and its messages. */
    private record Found(String phoneNumberId, List<Map<String, AttributeValue>> records, List<Map<String, AttributeValue>> messages) {}

    private Found find(TenantId tenant, String contact, String phoneNumberId) {
        String pk = TableItems.channelContacts(tenant, phoneNumberId);
        Set<String> keys = new LinkedHashSet<>(List.of(contact));
        List<Map<String, AttributeValue>> records = new ArrayList<>();
        Map<String, AttributeValue> alias = get(pk, TableItems.waIdAlias(contact));
        if (!alias.isEmpty()) {
            records.add(alias);
            keys.add(alias.get("contactKey").s());
        }
        List<Map<String, AttributeValue>> messages = new ArrayList<>();
        for (String key : keys) {
            Map<String, AttributeValue> record = get(pk, TableItems.contact(key));
            if (!record.isEmpty()) {
                records.add(record);
                if (record.containsKey("waId")) {
                    Map<String, AttributeValue> waAlias = get(pk, TableItems.waIdAlias(record.get("waId").s()));
                    if (!waAlias.isEmpty() && records.stream().noneMatch(r -> r.get("SK").equals(waAlias.get("SK")))) {
                        records.add(waAlias);
                    }
                }
            }
            for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(TableItems.conversation(tenant, phoneNumberId, key)))))) {
                messages.addAll(page.items());
            }
        }
        return new Found(phoneNumberId, records, messages);
    }

    /**
     * One entry of the contact's list of sends: a WaBridge send (its item, and the status of its wamid), or the
     * status of a message sent to the contact outside WaBridge (no send).
     */
    private record Sent(Map<String, AttributeValue> pointer, Map<String, AttributeValue> send, Map<String, AttributeValue> status) {}

    private List<Sent> sends(TenantId tenant, String contact) {
        List<Sent> out = new ArrayList<>();
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s(sendsPk(tenant, contact)))))) {
            for (Map<String, AttributeValue> pointer : page.items()) {
                String sk = pointer.get("SK").s();
                if (TableItems.isWamid(sk)) {
                    out.add(new Sent(pointer, Map.of(), get(sk, TableItems.STATUS)));
                } else {
                    Map<String, AttributeValue> send = get(TableItems.send(TableItems.sendIdOf(sk)), TableItems.SEND);
                    String wamid = str(send, "wamid");
                    out.add(new Sent(pointer, send, wamid == null ? Map.of() : get(TableItems.wamid(wamid), TableItems.STATUS)));
                }
            }
        }
        return out;
    }

    /** The notification recipients addressed to any of {@code ids}, across the tenant's notifications. */
    private List<Map<String, AttributeValue>> recipients(TenantId tenant, Set<String> ids) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> placeholders = new ArrayList<>();
        for (String id : ids) {
            placeholders.add(":i" + values.size());
            values.put(":i" + values.size(), s(id));
        }
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :n)")
                .expressionAttributeValues(Map.of(":pk", s(TableItems.tenant(tenant)), ":n", s(TableItems.NOTIFICATIONS_LISTED))))) {
            for (Map<String, AttributeValue> listed : page.items()) {
                String pk = TableItems.notification(tenant, TableItems.notificationIdOf(listed.get("SK").s()));
                Map<String, AttributeValue> v = new HashMap<>(values);
                v.put(":pk", s(pk));
                v.put(":to", s(TableItems.RECIPIENTS));
                for (var recipients : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :to)").filterExpression("#to IN (" + String.join(", ", placeholders) + ")")
                        .expressionAttributeNames(Map.of("#to", "to")).expressionAttributeValues(v))) {
                    out.addAll(recipients.items());
                }
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
        List<Map<String, Object>> statuses = new ArrayList<>();
        for (Sent s : sends(tenant, contact)) {
            if (!s.send().isEmpty()) {
                Map<String, Object> send = plain(s.send());
                if (!s.status().isEmpty()) {
                    send.put("status", plain(s.status()));
                }
                sends.add(send);
            } else if (!s.status().isEmpty()) {
                Map<String, Object> status = plain(s.status());
                status.put("wamid", TableItems.wamidOf(s.status().get("PK").s()));
                statuses.add(status);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channels", channels);
        out.put("sends", sends);
        out.put("statuses", statuses);
        Set<String> ids = ids(tenant, contact);
        List<Map<String, Object>> addressed = new ArrayList<>();
        for (Map<String, AttributeValue> r : recipients(tenant, ids)) {
            Map<String, Object> recipient = plain(r);
            recipient.put("notification", TableItems.notificationIdOf(r.get("PK").s(), tenant));
            addressed.add(recipient);
        }
        out.put("notifications", addressed);
        List<Map<String, Object>> linked = new ArrayList<>();
        for (String id : ids) {
            Map<String, AttributeValue> item = get(TableItems.contactIds(tenant), id);
            if (!item.isEmpty()) {
                Map<String, Object> plain = plain(item);
                plain.put("id", id);
                linked.add(plain);
            }
        }
        out.put("ids", linked);
        Map<String, AttributeValue> reminder = get(TableItems.consent(tenant, contact), TableItems.REMINDER);
        out.put("reminders", reminder.isEmpty() ? List.of() : List.of(plain(reminder)));
        return out;
    }

    /** Every id the person {@code contact} names is known by. */
    private Set<String> ids(TenantId tenant, String contact) {
        return new LinkedHashSet<>(new DynamoDbContactIds(dynamo, table).idsOf(tenant, contact));
    }

    @Override
    public int erase(TenantId tenant, String contact, List<String> phoneNumberIds) {
        int n = 0;
        for (Map<String, AttributeValue> r : recipients(tenant, ids(tenant, contact))) {
            n += delete(r.get("PK").s(), r.get("SK").s());
        }
        return n + eraseRecords(tenant, contact, phoneNumberIds);
    }

    /**
     * Erases the contact's ids, records, messages (with their objects) and sends; not its notification recipients,
     * which the tenant purge removes with their notifications.
     */
    int eraseRecords(TenantId tenant, String contact, List<String> phoneNumberIds) {
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
                    n += delete(TableItems.wamid(wamid), TableItems.POINTER) + delete(TableItems.wamid(wamid), TableItems.STATUS);
                }
                n += delete(m.get("PK").s(), m.get("SK").s());
            }
            for (Map<String, AttributeValue> r : f.records()) {
                n += delete(r.get("PK").s(), r.get("SK").s());
            }
        }
        for (Sent s : sends(tenant, contact)) {
            String sk = s.pointer().get("SK").s();
            if (TableItems.isWamid(sk)) {
                n += delete(sk, TableItems.STATUS);
            } else {
                String id = TableItems.sendIdOf(sk);
                if (s.send().containsKey("wamid")) {
                    String wamid = TableItems.wamid(s.send().get("wamid").s());
                    n += delete(wamid, TableItems.SEND_POINTER) + delete(wamid, TableItems.STATUS);
                }
                n += delete(TableItems.sendCallback(id), TableItems.SEND_CALLBACK) + delete(TableItems.send(id), TableItems.SEND);
            }
            n += delete(s.pointer().get("PK").s(), sk);
        }
        return n;
    }

    @Override
    public void audit(TenantId tenant, String action, String subject, String who, Map<String, Object> detail, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s(TableItems.audit(tenant)));
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
        if (v.hasSs()) {
            return v.ss();
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
