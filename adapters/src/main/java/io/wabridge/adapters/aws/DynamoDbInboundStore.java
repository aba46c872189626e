package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.InboundStore;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import io.wabridge.core.inbound.StatusEffects;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A tenant's inbound effects in the one table (the only place these attribute names live):
 * <ul>
 *   <li>message: {@code PK=CONV#{tenant}#{phoneNumberId}#{contactKey}}, {@code SK=MSG#{epochMillis13}#{wamid}},
 *       with direction, type, wa_id, user_id, profile name, reply-to wamid and Meta's message object;</li>
 *   <li>wamid pointer: {@code PK=WAMID#{wamid}}, {@code SK=MSG} (the idempotency key, written with the message
 *       in one conditional transaction);</li>
 *   <li>contact: {@code PK=TENANT#{tenant}#CHANNEL#{phoneNumberId}}, {@code SK=CONTACT#{bsuid or wa_id}}, with
 *       {@code lastInboundAt} (opens the 24 h window; only moves forward);</li>
 *   <li>status: {@code PK=WAMID#{wamid}}, {@code SK=STATUS}, with the current {@code status} and its rank
 *       (only moves forward), {@code at_<status>} times, Meta's errors and pricing;</li>
 *   <li>event: {@code PK=TENANT#{tenant}#EVENTS}, {@code SK={epochMillis13}#{key}}, with the field and Meta's
 *       value, and a dedupe item {@code PK=SEEN#{key}} that expires after 8 days.</li>
 * </ul>
 * Keys come from {@link TableItems}. What a status changes besides its own record (the send it confirms, usage,
 * notification counters) is decided in core ({@link StatusEffects}); this class only writes it.
 */
public final class DynamoDbInboundStore implements InboundStore, io.wabridge.core.media.MediaRecords {

    private static final Duration DEDUPE_TTL = Duration.ofDays(8);
    private static final Duration SEND_CALLBACK_TTL = Duration.ofDays(8);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    /** Content above this size goes to the bucket (an item holds at most 400 KB); the item keeps its key. */
    static final int MAX_INLINE_CONTENT = 64 * 1024;

    private final java.util.function.Supplier<S3Objects> largeContent;

    public DynamoDbInboundStore(DynamoDbClient dynamo, String table, Clock clock, java.util.function.Supplier<S3Objects> largeContent) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.largeContent = largeContent;
        this.ids = new DynamoDbContactIds(dynamo, table);
    }

    /** Where the person's ids are linked: messages and the contact record are kept under the person's key. */
    private final DynamoDbContactIds ids;

    /** Where a message's content lives when it is too large for its item. */
    static String contentKey(TenantId tenant, String wamid) {
        return "content/" + tenant.value() + "/" + wamid + ".json";
    }

    @Override
    public boolean saveMessageIfAbsent(TenantId tenant, MessageReceived m) {
        String pk = TableItems.conversation(tenant, m.phoneNumberId(), ids.contactKey(tenant, m.contact().key()));
        String sk = TableItems.messageSk(m.sentAt(), m.wamid().value());
        Map<String, AttributeValue> message = new HashMap<>();
        message.put("PK", s(pk));
        message.put("SK", s(sk));
        message.put("tenantId", s(tenant.value()));
        message.put("phoneNumberId", s(m.phoneNumberId().value()));
        message.put("direction", s("inbound"));
        message.put("type", s(m.type()));
        message.put("wamid", s(m.wamid().value()));
        message.put("sentAt", s(m.sentAt().toString()));
        byte[] content = m.contentJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (content.length > MAX_INLINE_CONTENT) {
            // Written before the guarded put, under a key of its own: a retry rewrites the same object.
            String key = contentKey(tenant, m.wamid().value());
            largeContent.get().put(key, content, "application/json");
            message.put("contentKey", s(key));
        } else {
            message.put("content", s(m.contentJson()));
        }
        message.put("receivedAt", s(clock.instant().toString()));
        putIfPresent(message, "waId", m.contact().waId());
        putIfPresent(message, "userId", m.contact().userId());
        putIfPresent(message, "profileName", m.contact().profileName());
        putIfPresent(message, "contextWamid", m.contextWamid());
        Map<String, AttributeValue> pointer = new HashMap<>(TableItems.key(TableItems.wamid(m.wamid().value()), TableItems.POINTER));
        pointer.putAll(Map.of("tenantId", s(tenant.value()), "messagePK", s(pk), "messageSK", s(sk)));
        // Counted in the same transaction as the message: once per message, however often it is redelivered.
        return putWithGuard(pointer, message, usageCount(table, tenant, m.sentAt(), io.wabridge.core.tenant.Usage.inbound(m.phoneNumberId().value())));
    }

    /** Adds one to a tenant's daily usage counter ({@code TENANT#{tenant}} / {@code USAGE#{day}}). */
    static TransactWriteItem usageCount(String table, TenantId tenant, java.time.Instant at, String counter) {
        return TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(TableItems.key(TableItems.tenant(tenant), TableItems.usage(at)))
                .updateExpression("ADD #k :one").expressionAttributeNames(Map.of("#k", counter))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
    }

    @Override
    public void touchContact(TenantId tenant, MessageReceived m) {
        String contactKey = ids.contactKey(tenant, m.contact().key());
        Map<String, AttributeValue> key = TableItems.key(TableItems.channelContacts(tenant, m.phoneNumberId()), TableItems.contact(contactKey));
        Map<String, AttributeValue> profile = new java.util.LinkedHashMap<>();
        profile.put("tenantId", s(tenant.value()));
        profile.put("phoneNumberId", s(m.phoneNumberId().value()));
        putIfPresent(profile, "waId", m.contact().waId());
        putIfPresent(profile, "userId", m.contact().userId());
        putIfPresent(profile, "profileName", m.contact().profileName());
        setAttributes(key, profile);
        if (m.contact().userId() != null && m.contact().waId() != null) {
            // The contact is keyed by BSUID; a send addressed to the wa_id finds it through this alias.
            dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", key.get("PK"), "SK", s(TableItems.waIdAlias(m.contact().waId())),
                    "contactKey", s(contactKey))));
        }
        try {
            // GSI1 lists a channel's conversations by recency (read API).
            dynamo.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("SET lastInboundAt = :at, lastInboundWamid = :id, GSI1PK = :g, GSI1SK = :gs")
                    .conditionExpression("attribute_not_exists(lastInboundAt) OR lastInboundAt < :at")
                    .expressionAttributeValues(Map.of(":at", s(m.sentAt().toString()), ":id", s(m.wamid().value()),
                            ":g", s(TableItems.conversations(tenant, m.phoneNumberId().value())),
                            ":gs", s(TableItems.conversationsSk(m.sentAt(), contactKey)))));
        } catch (ConditionalCheckFailedException older) {
            // an older message arriving late never moves the window back
        }
    }

    @Override
    public StatusRecorded applyStatus(TenantId tenant, StatusChanged st, StatusEffects effects) {
        Map<String, AttributeValue> key = statusKey(st);
        String at = "at_" + st.status().wireName();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":t", s(tenant.value()));
        values.put(":p", s(st.phoneNumberId().value()));
        values.put(":at", s(st.at().toString()));
        StringBuilder set = new StringBuilder("SET tenantId = :t, phoneNumberId = :p, " + at + " = if_not_exists(" + at + ", :at)");
        if (st.recipient() != null) {
            set.append(", recipient = if_not_exists(recipient, :r)");
            values.put(":r", s(st.recipient()));
        }
        if (st.errorsJson() != null) {
            set.append(", errors = :e, errorCode = :c");
            values.put(":e", s(st.errorsJson()));
            values.put(":c", AttributeValue.fromN(Integer.toString(st.errorCode())));
        }
        if (effects.pricing() != null) {
            recordPricing(tenant, st, effects.pricing());
        }
        if (effects.confirmsSend() == null && st.recipient() != null) {
            // A message sent outside WaBridge has no send listed under the contact: its status is, so the contact's
            // export and erasure and the tenant's purge find it. Written before the status, as a send's pointers are.
            dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", s(DynamoDbContactData.sendsPk(tenant, st.recipient())),
                    "SK", s(TableItems.wamid(st.wamid().value())), "GSI1PK", s(TableItems.tenantSends(tenant)), "GSI1SK", s(st.wamid().value()))));
        }
        if (effects.confirmsSend() != null) {
            Map<String, AttributeValue> confirmed = new HashMap<>(TableItems.key(TableItems.sendCallback(effects.confirmsSend()), TableItems.SEND_CALLBACK));
            confirmed.putAll(Map.of("wamid", s(st.wamid().value()), "tenantId", s(tenant.value()),
                    TableItems.TTL, AttributeValue.fromN(Long.toString(clock.instant().plus(SEND_CALLBACK_TTL).getEpochSecond()))));
            dynamo.putItem(r -> r.tableName(table).item(confirmed));
        }
        // Usually statuses arrive in order: one conditional write records the time and advances the state.
        // If the message is already further along, the second write records only the time.
        Map<String, AttributeValue> advanceValues = new HashMap<>(values);
        advanceValues.put(":s", s(st.status().wireName()));
        advanceValues.put(":rank", AttributeValue.fromN(Integer.toString(st.status().rank())));
        try {
            var old = dynamo.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression(set + ", #s = :s, statusRank = :rank, statusAt = :at")
                    .conditionExpression("attribute_not_exists(statusRank) OR statusRank < :rank")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(advanceValues).returnValues(ReturnValue.UPDATED_OLD)).attributes();
            int before = old != null && old.containsKey("statusRank") ? Integer.parseInt(old.get("statusRank").n()) : 0;
            return new StatusRecorded(true, before);
        } catch (ConditionalCheckFailedException stale) {
            dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression(set.toString()).expressionAttributeValues(values));
            return new StatusRecorded(false, 0);
        }
    }

    @Override
    public void countNotificationStatus(TenantId tenant, java.time.Instant at, List<String> counters) {
        new DynamoDbNotifications(dynamo, table).count(tenant, at, counters);
    }

    private static Map<String, AttributeValue> statusKey(StatusChanged st) {
        return TableItems.key(TableItems.wamid(st.wamid().value()), TableItems.STATUS);
    }

    /**
     * Records Meta's pricing on the status item and counts it in the tenant's day ({@code USAGE#{yyyy-mm-dd}}) in one
     * transaction, only if the item has none yet: a repeat counts nothing.
     */
    private void recordPricing(TenantId tenant, StatusChanged st, StatusEffects.Pricing pricing) {
        Map<String, String> names = new HashMap<>();
        StringBuilder add = new StringBuilder("ADD ");
        for (int i = 0; i < pricing.usageCounters().size(); i++) {
            add.append(i == 0 ? "" : ", ").append("#k").append(i).append(" :one");
            names.put("#k" + i, pricing.usageCounters().get(i));
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table)
                            .key(statusKey(st))
                            .updateExpression("SET pricingCategory = :c, pricingType = :t")
                            .conditionExpression("attribute_not_exists(pricingCategory)")
                            .expressionAttributeValues(Map.of(":c", s(pricing.category()), ":t", s(pricing.type())))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table)
                            .key(TableItems.key(TableItems.tenant(tenant), TableItems.usage(st.at())))
                            .updateExpression(add.toString())
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build()));
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().map(CancellationReason::code).noneMatch("ConditionalCheckFailed"::equals)) {
                throw e;
            }
        }
    }

    @Override
    public void applyChange(TenantId tenant, AccountChange change) {
        Map<String, AttributeValue> set = new java.util.LinkedHashMap<>();
        set.put("updatedAt", s(clock.instant().toString()));
        String pk = TableItems.tenant(tenant);
        String sk;
        switch (change) {
            case AccountChange.TemplateChange t -> {
                applyTemplate(tenant, t);
                return;
            }
            case AccountChange.WabaChange w -> {
                sk = TableItems.waba(w.wabaId());
                set.put("lastAccountEvent", s(w.event()));
                if (w.disconnects()) {
                    set.put("connection", s("disconnected"));
                }
            }
            case AccountChange.NumberChange n -> {
                sk = TableItems.number(n.wabaId(), n.displayPhoneNumber());
                putIfPresent(set, "lastNumberEvent", n.event());
                putIfPresent(set, "qualityRating", n.qualityRating());
                putIfPresent(set, "messagingLimit", n.messagingLimit());
                putIfPresent(set, "throughputLevel", n.throughputLevel());
                putIfPresent(set, "nameStatus", n.nameStatus());
            }
            case AccountChange.MarketingPreference p -> {
                return; // kept in the consent ledger (InboundConsent), not here
            }
        }
        setAttributes(TableItems.key(pk, sk), set);
    }

    /**
     * A template webhook updates its template's record ({@code TENANT#{tenant}} / {@code TEMPLATE#{waba}#{name}#{language}},
     * the item {@link DynamoDbTemplates} reads): each field the webhook carries, Meta's rejection text, a pending
     * recategorisation (removed once Meta reports the change made), and {@code eventAt} (Meta's {@code entry.time}): a
     * webhook older than the last one applied changes nothing.
     */
    private void applyTemplate(TenantId tenant, AccountChange.TemplateChange t) {
        Map<String, AttributeValue> set = new java.util.LinkedHashMap<>();
        set.put("updatedAt", s(clock.instant().toString()));
        putIfPresent(set, "wabaId", t.wabaId());
        putIfPresent(set, "templateId", t.templateId());
        putIfPresent(set, "name", t.name());
        putIfPresent(set, "language", t.language());
        putIfPresent(set, "status", t.status());
        putIfPresent(set, "quality", t.quality());
        putIfPresent(set, "category", t.category());
        putIfPresent(set, "reason", t.reason());
        putIfPresent(set, "reasonText", t.reasonText());
        putIfPresent(set, "pendingCategory", t.pendingCategory());
        putIfPresent(set, "pendingCategoryAt", t.pendingCategoryAt() == null ? null : t.pendingCategoryAt().toString());
        putIfPresent(set, "eventAt", t.at() == null ? null : t.at().toString());
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder("SET ");
        int i = 0;
        for (var e : set.entrySet()) {
            expression.append(i == 0 ? "" : ", ").append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            i++;
        }
        if (t.completedCategoryChange()) {
            expression.append(" REMOVE pendingCategory, pendingCategoryAt");
        }
        String condition = null;
        if (t.at() != null) {
            names.put("#at", "eventAt");
            condition = "attribute_not_exists(#at) OR #at <= :v" + new java.util.ArrayList<>(set.keySet()).indexOf("eventAt");
        }
        String when = condition;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(TableItems.key(TableItems.tenant(tenant), TableItems.template(t.wabaId(), t.name(), t.language())))
                    .updateExpression(expression.toString()).conditionExpression(when)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException older) {
            // a webhook older than one applied already: the record keeps the newer state
        }
    }

    /** Upserts the item at {@code key}, setting each of {@code attributes} (placeholders keep any name legal). */
    private void setAttributes(Map<String, AttributeValue> key, Map<String, AttributeValue> attributes) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder("SET ");
        int i = 0;
        for (var e : attributes.entrySet()) {
            expression.append(i == 0 ? "" : ", ").append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            i++;
        }
        dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression(expression.toString())
                .expressionAttributeNames(names).expressionAttributeValues(values));
    }

    @Override
    public boolean saveEventIfAbsent(TenantId tenant, WabaEvent e) {
        long now = clock.millis();
        Map<String, AttributeValue> seen = new HashMap<>(TableItems.key(TableItems.seen(e.eventKey()), TableItems.SEEN));
        seen.put(TableItems.TTL, AttributeValue.fromN(Long.toString(clock.instant().plus(DEDUPE_TTL).getEpochSecond())));
        Map<String, AttributeValue> event = new HashMap<>(TableItems.key(TableItems.events(tenant), TableItems.eventSk(now, e.eventKey())));
        event.put("tenantId", s(tenant.value()));
        event.put("field", s(e.field()));
        event.put("wabaId", s(e.wabaId()));
        event.put("value", s(e.valueJson()));
        putIfPresent(event, "phoneNumberId", e.phoneNumberId() == null ? null : e.phoneNumberId().value());
        return putWithGuard(seen, event);
    }

    /**
     * Writes {@code item} together with its idempotency {@code guard} in one transaction, only if the guard
     * does not exist yet: false (and nothing written) for a repeat.
     */
    @Override
    public void stored(io.wabridge.core.media.MediaJob job, String key, long size, String mimeType) {
        setMedia(job, Map.of("status", s("stored"), "key", s(key), "size", AttributeValue.fromN(Long.toString(size)),
                "mimeType", s(mimeType == null ? "application/octet-stream" : mimeType), "at", s(clock.instant().toString())));
    }

    @Override
    public void unavailable(io.wabridge.core.media.MediaJob job, String reason) {
        setMedia(job, Map.of("status", s("unavailable"), "reason", s(reason), "at", s(clock.instant().toString())));
    }

    /** Sets the message's {@code media} map, found through its wamid pointer. */
    private void setMedia(io.wabridge.core.media.MediaJob job, Map<String, AttributeValue> media) {
        Map<String, AttributeValue> pointer = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(TableItems.key(TableItems.wamid(job.wamid()), TableItems.POINTER))).item();
        if (pointer.isEmpty() || !job.tenant().value().equals(pointer.get("tenantId").s())) {
            throw new IllegalStateException("message " + job.wamid() + " is not stored for its tenant");
        }
        dynamo.updateItem(r -> r.tableName(table)
                .key(Map.of("PK", pointer.get("messagePK"), "SK", pointer.get("messageSK")))
                .updateExpression("SET media = :m").expressionAttributeValues(Map.of(":m", AttributeValue.fromM(media))));
    }

    private boolean putWithGuard(Map<String, AttributeValue> guard, Map<String, AttributeValue> item, TransactWriteItem... also) {
        try {
            java.util.List<TransactWriteItem> writes = new java.util.ArrayList<>(java.util.List.of(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(guard)
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build()));
            writes.addAll(java.util.List.of(also));
            dynamo.transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().map(CancellationReason::code).anyMatch("ConditionalCheckFailed"::equals)) {
                return false;
            }
            throw e;
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, s(value));
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
