package io.wabridge.adapters.aws;

import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.ContactIds;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Contact id items: {@code PK=TENANT#{tenant}#CONTACTID}, {@code SK={id}} (a wa_id, BSUID or username), with
 * {@code contactKey} (the person's key: the id their contact records, conversation and handoff are kept
 * under), {@code kind} ({@code wa_id}, {@code bsuid}, {@code username}), {@code source} ({@code webhook},
 * {@code user_changed_number}) and {@code linkedAt}. The key's own item also holds {@code ids}, every id of
 * the person (so reading by any id finds all of them in two reads). Per tenant, not per channel: a wa_id
 * is the same person on every channel, and each channel's BSUID links to it.
 */
public final class DynamoDbContactIds implements ContactIds {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbContactIds(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static String pk(TenantId tenant) {
        return TableItems.contactIds(tenant);
    }

    private Map<String, AttributeValue> item(TenantId tenant, String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("PK", AttributeValue.fromS(pk(tenant)), "SK", AttributeValue.fromS(id)))).item();
        return item == null ? Map.of() : item;
    }

    private String known(TenantId tenant, String id) {
        Map<String, AttributeValue> item = item(tenant, id);
        return item.containsKey("contactKey") ? item.get("contactKey").s() : null;
    }

    @Override
    public String keyOf(TenantId tenant, Contact contact, Instant at) {
        List<String> seen = new ArrayList<>();
        seen.add(contact.key());
        for (String id : new String[] {contact.waId(), contact.userId()}) {
            if (id != null && !id.isBlank() && !seen.contains(id)) {
                seen.add(id);
            }
        }
        return join(tenant, seen, null, Source.WEBHOOK, at);
    }

    @Override
    public void linkChangedNumber(TenantId tenant, Contact before, Contact now, Instant at) {
        String key = contactKey(tenant, before.key());
        if (key.equals(before.key()) && before.waId() != null) {
            key = contactKey(tenant, before.waId());
        }
        List<String> ids = new ArrayList<>();
        for (String id : new String[] {now.waId(), now.userId()}) {
            if (id != null && !id.isBlank()) {
                ids.add(id);
            }
        }
        join(tenant, ids, key, Source.USER_CHANGED_NUMBER, at);
    }

    /**
     * Links every id of {@code ids} to one key: {@code into} when given, else the key of the first id already
     * known, else the first id. An id known under another key brings that person's ids along (a merge).
     */
    private String join(TenantId tenant, List<String> ids, String into, Source source, Instant at) {
        Map<String, String> known = new LinkedHashMap<>();
        for (String id : ids) {
            String k = known(tenant, id);
            if (k != null) {
                known.put(id, k);
            }
        }
        String key = into != null ? into : known.isEmpty() ? ids.get(0) : known.values().iterator().next();
        Set<String> toLink = new LinkedHashSet<>();
        boolean keyKnown = known.containsKey(key) || into == null && !known.isEmpty() || known(tenant, key) != null;
        if (!keyKnown) {
            toLink.add(key);
        }
        for (String id : ids) {
            String k = known.get(id);
            if (k == null) {
                toLink.add(id);
            } else if (!k.equals(key)) {
                toLink.addAll(idsOf(tenant, k));
            }
        }
        toLink.remove(null);
        for (String id : toLink) {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("PK", AttributeValue.fromS(pk(tenant)), "SK", AttributeValue.fromS(id)))
                    .updateExpression("SET contactKey = :k, kind = :kind, #source = :src, linkedAt = :at")
                    .expressionAttributeNames(Map.of("#source", "source"))
                    .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(key), ":kind", AttributeValue.fromS(kind(id)),
                            ":src", AttributeValue.fromS(source.name().toLowerCase(java.util.Locale.ROOT)),
                            ":at", AttributeValue.fromS(at.toString()))));
        }
        if (!toLink.isEmpty()) {
            Set<String> all = new LinkedHashSet<>(toLink);
            all.add(key);
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("PK", AttributeValue.fromS(pk(tenant)), "SK", AttributeValue.fromS(key)))
                    .updateExpression("ADD ids :ids").expressionAttributeValues(Map.of(":ids", AttributeValue.fromSs(new ArrayList<>(all)))));
        }
        return key;
    }

    @Override
    public String contactKey(TenantId tenant, String id) {
        String k = known(tenant, id);
        return k == null ? id : k;
    }

    @Override
    public Set<String> idsOf(TenantId tenant, String id) {
        String key = contactKey(tenant, id);
        Set<String> out = new LinkedHashSet<>(List.of(key, id));
        Map<String, AttributeValue> item = item(tenant, key);
        if (item.containsKey("ids")) {
            out.addAll(item.get("ids").ss());
        }
        return out;
    }

    /** Deletes the id items of the person {@code id} names (erasure); returns how many went. */
    public int forget(TenantId tenant, String id) {
        int n = 0;
        for (String each : idsOf(tenant, id)) {
            var old = dynamo.deleteItem(r -> r.tableName(table).key(Map.of("PK", AttributeValue.fromS(pk(tenant)), "SK", AttributeValue.fromS(each)))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
            n += old == null || old.isEmpty() ? 0 : 1;
        }
        return n;
    }

    private static String kind(String id) {
        if (ContactKey.BSUID.matcher(id).matches()) {
            return "bsuid";
        }
        return ContactKey.WA_ID.matcher(id).matches() ? "wa_id" : "username";
    }
}
