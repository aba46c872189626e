package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.OffboardTenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Offboardings ({@code PK=OFFBOARD#{tenant}}, {@code SK=STATE}; in the index {@code GSI1PK=PURGEDUE},
 * {@code GSI1SK={purge after, epoch ms}#{tenant}} until purged) and the purge itself. The purge finds every
 * record of the tenant without a scan: its own partition ({@code TENANT#{tenant}}: settings, channels,
 * templates, secrets, counters, notification list), each channel's contacts and their conversations, media
 * and sends ({@link DynamoDbContactData}), every send through its list ({@code GSI1PK=TENANT#{tenant}#SENDS}),
 * every consent ledger through its list ({@code GSI1PK=TENANT#{tenant}#CONSENTS}) and, for reminders of
 * contacts without a ledger, through the contact ids; every notification, and the account event log
 * ({@link TableItems#TYPES} says how each item type is reached). Records that expire by themselves within days (rate counts, idempotency keys,
 * event log markers, opt-in links) are left to their TTL.
 */
public final class DynamoDbTenantPurge implements OffboardTenant.Store {

    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoDbContactData contacts;

    public DynamoDbTenantPurge(DynamoDbClient dynamo, String table, DynamoDbContactData contacts) {
        this.dynamo = dynamo;
        this.table = table;
        this.contacts = contacts;
    }

    private static Map<String, AttributeValue> key(TenantId tenant) {
        return TableItems.offboarding(tenant);
    }

    @Override
    public OffboardTenant.Offboarding start(TenantId tenant, Instant at, Instant purgeAfter, String who) {
        try {
            Map<String, AttributeValue> item = new java.util.HashMap<>(key(tenant));
            item.put("tenantId", s(tenant.value()));
            item.put("at", s(at.toString()));
            item.put("purgeAfter", s(purgeAfter.toString()));
            if (who != null) {
                item.put("by", s(who));
            }
            item.put("GSI1PK", s(TableItems.PURGE_DUE));
            item.put("GSI1SK", s(DynamoDbNotifications.dueKey(purgeAfter, tenant.value())));
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)"));
        } catch (ConditionalCheckFailedException already) {
            // offboarded before: that offboarding holds
        }
        return get(tenant).orElseThrow();
    }

    @Override
    public Optional<OffboardTenant.Offboarding> get(TenantId tenant) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenant))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OffboardTenant.Offboarding(tenant, Instant.parse(str(item, "at")), Instant.parse(str(item, "purgeAfter")),
                str(item, "by"), item.containsKey("purgedAt") ? Instant.parse(str(item, "purgedAt")) : null));
    }

    @Override
    public List<TenantId> duePurges(Instant now, int limit) {
        List<TenantId> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.query(r -> r.tableName(table).indexName("GSI1")
                .keyConditionExpression("GSI1PK = :p AND GSI1SK <= :u")
                .expressionAttributeValues(Map.of(":p", s(TableItems.PURGE_DUE), ":u", s(DynamoDbNotifications.dueKey(now, "~")))).limit(limit))
                .items()) {
            out.add(new TenantId(str(item, "tenantId")));
        }
        return out;
    }

    @Override
    public int purge(TenantId tenant) {
        int n = 0;
        // A contact who wrote but never opted in may have reminders and no ledger state: found through the ids the
        // tenant knows, before the contact erasures below forget them.
        for (Map<String, AttributeValue> id : partition(TableItems.contactIds(tenant))) {
            n += deleteAll(partition(TableItems.consent(tenant, id.get("SK").s())));
        }
        List<Map<String, AttributeValue>> own = partition(TableItems.tenant(tenant));
        for (Map<String, AttributeValue> item : own) {
            String sk = item.get("SK").s();
            if (TableItems.isChannel(sk)) {
                String pn = TableItems.phoneNumberIdOfChannel(sk);
                String contactsPk = TableItems.channelContacts(tenant, pn);
                for (Map<String, AttributeValue> c : partition(contactsPk)) {
                    if (TableItems.isContact(c.get("SK").s())) {
                        n += contacts.eraseRecords(tenant, TableItems.contactKeyOf(c.get("SK").s()), List.of(pn));
                    }
                }
                n += deleteAll(partition(contactsPk));
            } else if (TableItems.isNotificationListed(sk)) {
                n += deleteAll(partition(TableItems.notification(tenant, TableItems.notificationIdOf(sk))));
            }
        }
        for (Map<String, AttributeValue> pointer : index(TableItems.tenantSends(tenant))) {
            n += contacts.eraseRecords(tenant, TableItems.contactOfSends(tenant, pointer.get("PK").s()), List.of());
        }
        for (Map<String, AttributeValue> state : index(TableItems.tenantConsents(tenant))) {
            n += deleteAll(partition(state.get("PK").s()));
        }
        n += deleteAll(partition(TableItems.events(tenant)));
        n += deleteAll(partition(TableItems.contactIds(tenant)));
        n += deleteAll(partition(TableItems.tenant(tenant)));
        return n;
    }

    @Override
    public void purged(TenantId tenant, Instant at, int removed) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenant)).updateExpression("SET purgedAt = :at, removed = :n REMOVE GSI1PK, GSI1SK")
                .expressionAttributeValues(Map.of(":at", s(at.toString()), ":n", AttributeValue.fromN(Integer.toString(removed)))));
    }

    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s(pk))))) {
            out.addAll(page.items());
        }
        return out;
    }

    private List<Map<String, AttributeValue>> index(String gsi1pk) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p")
                .expressionAttributeValues(Map.of(":p", s(gsi1pk))))) {
            out.addAll(page.items());
        }
        return out;
    }

    private int deleteAll(List<Map<String, AttributeValue>> items) {
        for (Map<String, AttributeValue> item : items) {
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of("PK", item.get("PK"), "SK", item.get("SK"))));
        }
        return items.size();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
