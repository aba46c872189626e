package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.consent.OptInReminders;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.notify.Notification;
import io.wabridge.core.notify.Notifications;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Notifications and opt-in links in the table.
 * <ul>
 *   <li>notification: {@code PK=TENANT#{tenant}#NOTIF#{id}}, {@code SK=NOTIF}; while not done it is in the due index
 *       ({@code GSI1PK=NOTIFDUE#{0..7}}, {@code GSI1SK={due, epoch ms, 15 digits}#{tenant}#{id}}: eight buckets so no
 *       index partition is hot); counters {@code c_sent}, {@code c_sentInWindow}, {@code c_fallback}, {@code c_skipped},
 *       {@code c_failed}; {@code leaseUntil} while a run holds it;</li>
 *   <li>recipient: same PK, {@code SK=TO#{index, 6 digits}}, with its outcome once decided;</li>
 *   <li>the tenant's day: {@code PK=TENANT#{tenant}}, {@code SK=NOTIFSTATS#{yyyy-mm-dd}}, the same counters plus
 *       {@code delivered} and {@code read} (counted from statuses of notification sends);</li>
 *   <li>opt-in link: {@code PK=OPTIN#{nonce}}, {@code SK=LINK}, kept 30 days past its expiry (TTL);</li>
 *   <li>opt-in reminders of a contact: {@code PK=TENANT#{tenant}#CONSENT#{contact}}, {@code SK=REMINDER}: {@code sent},
 *       {@code lastSentAt}, and while one is pending {@code GSI1PK=REMINDDUE#{0..7}}, {@code GSI1SK={due ms}#{tenant}#{contact}}.</li>
 * </ul>
 */
public final class DynamoDbNotifications implements Notifications, OptInLinks.Store, OptInReminders.Store {

    static final int BUCKETS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbNotifications(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static String pk(TenantId tenant, String id) {
        return TableItems.notification(tenant, id);
    }

    private static Map<String, AttributeValue> key(TenantId tenant, String id) {
        return TableItems.key(pk(tenant, id), TableItems.NOTIFICATION);
    }

    @Override
    public void create(Notification n, List<Notification.Recipient> recipients) {
        List<WriteRequest> writes = new ArrayList<>();
        for (Notification.Recipient r : recipients) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("PK", s(pk(n.tenant(), n.id())));
            item.put("SK", s(TableItems.recipient(r.index())));
            item.put("to", s(r.to()));
            if (r.components() != null) {
                item.put("components", s(json(r.components())));
            }
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> batch = Map.of(table, writes.subList(from, Math.min(writes.size(), from + 25)));
            while (!batch.isEmpty()) {
                Map<String, List<WriteRequest>> ask = batch;
                var answer = dynamo.batchWriteItem(r -> r.requestItems(ask));
                batch = answer.unprocessedItems() == null ? Map.of() : answer.unprocessedItems();
            }
        }
        // Listed in the tenant's partition (for its purge), then the header last: a notification is due only
        // once all its recipients are written.
        dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(TableItems.tenant(n.tenant())), "SK", s(TableItems.notificationListed(n.id())),
                "createdAt", s(n.createdAt().toString()))));
        Map<String, AttributeValue> item = new HashMap<>(key(n.tenant(), n.id()));
        item.put("tenantId", s(n.tenant().value()));
        item.put("id", s(n.id()));
        item.put("phoneNumberId", s(n.phoneNumberId()));
        item.put("template", s(n.template()));
        item.put("language", s(n.language()));
        item.put("category", s(n.category()));
        item.put("components", s(json(n.components())));
        item.put("dueAt", s(n.dueAt().toString()));
        item.put("state", s(n.state()));
        item.put("recipients", num(n.recipients()));
        item.put("createdAt", s(n.createdAt().toString()));
        if (n.createdBy() != null) {
            item.put("createdBy", s(n.createdBy()));
        }
        item.put("GSI1PK", s(TableItems.notificationsDue(Math.floorMod(n.id().hashCode(), BUCKETS))));
        item.put("GSI1SK", s(dueKey(n.dueAt(), n.tenant().value() + "#" + n.id())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<Notification> get(TenantId tenant, String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenant, id))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> counts = new HashMap<>();
        item.forEach((k, v) -> {
            if (k.startsWith("c_")) {
                counts.put(k.substring(2), Long.parseLong(v.n()));
            }
        });
        return Optional.of(new Notification(id, tenant, str(item, "phoneNumberId"), str(item, "template"), str(item, "language"),
                str(item, "category"), list(str(item, "components")), Instant.parse(str(item, "dueAt")), str(item, "state"),
                Integer.parseInt(item.get("recipients").n()), counts, Instant.parse(str(item, "createdAt")), str(item, "createdBy")));
    }

    @Override
    public List<Due> due(Instant now, int limit) {
        return dueItems(TableItems::notificationsDue, now, limit).stream().map(item -> new Due(new TenantId(item.get("tenantId").s()), item.get("id").s())).toList();
    }

    /** The sort key of a due index: the due time (epoch ms, 15 digits, so it sorts as text) and what is due. */
    static String dueKey(Instant due, String what) {
        return String.format("%015d", due.toEpochMilli()) + "#" + what;
    }

    /** Up to {@code limit} items of the bucketed due index ({@code bucket} keys 0..7) due at {@code now}. */
    private List<Map<String, AttributeValue>> dueItems(java.util.function.IntFunction<String> bucketKey, Instant now, int limit) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        String upper = dueKey(now, "~");
        for (int bucket = 0; bucket < BUCKETS && out.size() < limit; bucket++) {
            int b = bucket;
            out.addAll(dynamo.query(r -> r.tableName(table).indexName("GSI1").keyConditionExpression("GSI1PK = :p AND GSI1SK <= :u")
                    .expressionAttributeValues(Map.of(":p", s(bucketKey.apply(b)), ":u", s(upper))).limit(limit)).items());
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public boolean claim(TenantId tenant, String id, Instant now, Instant until) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenant, id))
                    .updateExpression("SET #s = :running, leaseUntil = :until")
                    .conditionExpression("attribute_exists(GSI1PK) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":running", s("running"), ":until", s(until.toString()), ":now", s(now.toString()))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    @Override
    public List<Notification.Recipient> recipients(TenantId tenant, String id, int after, int limit) {
        List<Notification.Recipient> out = new ArrayList<>();
        var page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(pk(tenant, id)), ":from", s(TableItems.recipient(after + 1)),
                        ":to", s(TableItems.recipient(999_999)))).limit(limit));
        for (Map<String, AttributeValue> item : page.items()) {
            out.add(new Notification.Recipient(TableItems.recipientIndexOf(item.get("SK").s()), str(item, "to"),
                    item.containsKey("components") ? list(str(item, "components")) : null, str(item, "outcome"), str(item, "reason"),
                    str(item, "messageId"), item.containsKey("decidedAt") ? Instant.parse(str(item, "decidedAt")) : null));
        }
        return out;
    }

    @Override
    public boolean recordOutcome(TenantId tenant, String id, Notification.Recipient r, boolean inWindow, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":o", s(r.outcome()));
        values.put(":at", s(at.toString()));
        values.put(":r", s(r.reason() == null ? "" : r.reason()));
        StringBuilder set = new StringBuilder("SET outcome = :o, decidedAt = :at, reason = :r");
        if (r.messageId() != null) {
            set.append(", messageId = :m");
            values.put(":m", s(r.messageId()));
        }
        try {
            dynamo.updateItem(u -> u.tableName(table).key(TableItems.key(pk(tenant, id), TableItems.recipient(r.index())))
                    .updateExpression(set.toString()).conditionExpression("attribute_not_exists(outcome)").expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException decided) {
            return false;
        }
        // Counted after the outcome (recipients are decided in parallel, so not in one transaction with
        // the notification's item): a crash between the two can miss one count, never count twice.
        String counters = "ADD c_" + r.outcome() + " :one" + (inWindow ? ", c_sentInWindow :one" : "");
        dynamo.updateItem(u -> u.tableName(table).key(key(tenant, id)).updateExpression(counters)
                .expressionAttributeValues(Map.of(":one", num(1))));
        count(tenant, at, (inWindow ? List.of(r.outcome(), "sentInWindow") : List.of(r.outcome())));
        return true;
    }

    /** Adds one to each of {@code counters} in the tenant's day of {@code at}. */
    void count(TenantId tenant, Instant at, List<String> counters) {
        Map<String, String> names = new HashMap<>();
        StringBuilder add = new StringBuilder("ADD ");
        for (int i = 0; i < counters.size(); i++) {
            add.append(i == 0 ? "" : ", ").append("#c").append(i).append(" :one");
            names.put("#c" + i, counters.get(i));
        }
        dynamo.updateItem(u -> u.tableName(table)
                .key(TableItems.key(TableItems.tenant(tenant), TableItems.notificationDay(at)))
                .updateExpression(add.toString()).expressionAttributeNames(names).expressionAttributeValues(Map.of(":one", num(1))));
    }

    /** The tenant's notification counters per day from {@code from} to {@code to} (inclusive), summed. */
    public Map<String, Long> stats(TenantId tenant, LocalDate from, LocalDate to) {
        Map<String, Long> sum = new HashMap<>();
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("PK = :pk AND SK BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":pk", s(TableItems.tenant(tenant)), ":a", s(TableItems.notificationDay(from)),
                        ":b", s(TableItems.notificationDay(to)))))) {
            for (Map<String, AttributeValue> item : page.items()) {
                item.forEach((k, v) -> {
                    if (v.n() != null) {
                        sum.merge(k, Long.parseLong(v.n()), Long::sum);
                    }
                });
            }
        }
        return sum;
    }

    /** The tenant's consent counters: known, optedIn, optedOut contacts. */
    public Map<String, Long> consentStats(TenantId tenant) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(TableItems.key(TableItems.tenant(tenant), TableItems.CONSENT_STATS))).item();
        Map<String, Long> out = new HashMap<>(Map.of("known", 0L, "optedIn", 0L, "optedOut", 0L));
        if (item != null) {
            item.forEach((k, v) -> {
                if (v.n() != null) {
                    out.put(k, Long.parseLong(v.n()));
                }
            });
        }
        return out;
    }

    @Override
    public void complete(TenantId tenant, String id, Instant at) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenant, id))
                .updateExpression("SET #s = :done, completedAt = :at REMOVE GSI1PK, GSI1SK, leaseUntil")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":done", s("done"), ":at", s(at.toString()))));
    }

    @Override
    public void release(TenantId tenant, String id) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenant, id)).updateExpression("SET #s = :scheduled REMOVE leaseUntil")
                .conditionExpression("attribute_exists(GSI1PK)")
                .expressionAttributeNames(Map.of("#s", "state")).expressionAttributeValues(Map.of(":scheduled", s("scheduled"))));
    }

    // ----- opt-in links ------------------------------------------------------------------------------------------

    @Override
    public void save(OptInLinks.Link link) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.putAll(TableItems.key(TableItems.optInLink(link.nonce()), TableItems.LINK));
        item.put("tenantId", s(link.tenant().value()));
        item.put("contact", s(link.contact()));
        item.put("scope", s(link.scope().name()));
        if (link.notificationId() != null) {
            item.put("notificationId", s(link.notificationId()));
        }
        item.put("linkExpiresAt", s(link.expiresAt().toString()));
        item.put("expiresAt", num(link.expiresAt().plus(Duration.ofDays(30)).getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)"));
    }

    @Override
    public Optional<OptInLinks.Link> get(String nonce) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(TableItems.key(TableItems.optInLink(nonce), TableItems.LINK))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OptInLinks.Link(nonce, new TenantId(str(item, "tenantId")), str(item, "contact"),
                ConsentEvent.Scope.valueOf(str(item, "scope")), str(item, "notificationId"), Instant.parse(str(item, "linkExpiresAt")),
                item.containsKey("usedAt") ? Instant.parse(str(item, "usedAt")) : null));
    }

    @Override
    public boolean use(String nonce, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(TableItems.key(TableItems.optInLink(nonce), TableItems.LINK))
                    .updateExpression("SET usedAt = :at").conditionExpression("attribute_exists(PK) AND attribute_not_exists(usedAt)")
                    .expressionAttributeValues(Map.of(":at", s(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException used) {
            return false;
        }
    }

    // ----- opt-in reminders ---------------------------------------------------------------------------------------

    private static Map<String, AttributeValue> reminderKey(TenantId tenant, String contact) {
        return TableItems.key(TableItems.consent(tenant, contact), TableItems.REMINDER);
    }

    @Override
    public boolean schedule(TenantId tenant, String contact, String phoneNumberId, Instant dueAt, int max, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(reminderKey(tenant, contact))
                    .updateExpression("SET GSI1PK = :p, GSI1SK = :sk, phoneNumberId = :pn, tenantId = :t, contact = :c")
                    .conditionExpression("attribute_not_exists(GSI1PK) AND (attribute_not_exists(sent) OR sent < :max)"
                            + " AND (attribute_not_exists(lastSentAt) OR lastSentAt < :dayAgo)")
                    .expressionAttributeValues(Map.of(":p", s(TableItems.remindersDue(Math.floorMod(contact.hashCode(), BUCKETS))),
                            ":sk", s(dueKey(dueAt, tenant.value() + "#" + contact)),
                            ":pn", s(phoneNumberId), ":t", s(tenant.value()), ":c", s(contact), ":max", num(max),
                            ":dayAgo", s(now.minus(Duration.ofDays(1)).toString()))));
            return true;
        } catch (ConditionalCheckFailedException notNow) {
            return false;
        }
    }

    @Override
    public List<OptInReminders.Store.Reminder> dueReminders(Instant now, int limit) {
        return dueItems(TableItems::remindersDue, now, limit).stream().map(item -> new OptInReminders.Store.Reminder(new TenantId(str(item, "tenantId")),
                str(item, "contact"), str(item, "phoneNumberId"), item.containsKey("sent") ? Integer.parseInt(item.get("sent").n()) : 0)).toList();
    }

    @Override
    public boolean take(OptInReminders.Store.Reminder due) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(reminderKey(due.tenant(), due.contact())).updateExpression("REMOVE GSI1PK, GSI1SK")
                    .conditionExpression("attribute_exists(GSI1PK)"));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    @Override
    public void sent(OptInReminders.Store.Reminder due, Instant at) {
        dynamo.updateItem(r -> r.tableName(table).key(reminderKey(due.tenant(), due.contact())).updateExpression("ADD sent :one SET lastSentAt = :at")
                .expressionAttributeValues(Map.of(":one", num(1), ":at", s(at.toString()))));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("components are not JSON", e);
        }
    }

    private static List<Object> list(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored components are not readable", e);
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue num(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
