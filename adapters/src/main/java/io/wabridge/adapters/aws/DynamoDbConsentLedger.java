package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.ConsentLedger;
import io.wabridge.core.consent.ConsentState;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The consent ledger. Per tenant and contact ({@code PK=TENANT#{tenant}#CONSENT#{contact}}): one item per
 * entry ({@code SK=LOG#{id}}, never changed) and the derived state ({@code SK=STATE}, with a version).
 * An entry and its state change are written in one transaction over the version read, so the state is
 * always what the entries add up to. The tenant's counters ({@code TENANT#{tenant}} / {@code CONSENTSTATS}:
 * known, optedIn, optedOut contacts) move right after.
 */
public final class DynamoDbConsentLedger implements ConsentLedger {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbConsentLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String pk(TenantId tenant, String contact) {
        return TableItems.consent(tenant, contact);
    }

    @Override
    public Change append(ConsentEvent e) {
        String pk = pk(e.tenant(), e.contact());
        for (int attempt = 0; ; attempt++) {
            // First try assumes a contact new to the ledger (an import's usual case): one call, no read.
            Map<String, AttributeValue> current = attempt == 0 ? Map.of() : dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(TableItems.key(pk, TableItems.CONSENT_STATE))).item();
            boolean exists = current != null && !current.isEmpty();
            ConsentState before = exists ? state(current) : ConsentState.NONE;
            ConsentState after;
            if (before.isNewest(e)) {
                after = before.apply(e);
            } else {
                List<ConsentEvent> all = new ArrayList<>(history(e.tenant(), e.contact()));
                if (all.stream().anyMatch(x -> x.id().equals(e.id()))) {
                    return null;
                }
                all.add(e);
                after = ConsentState.of(all);
            }
            long version = exists ? Long.parseLong(current.get("version").n()) : 0;
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(entry(pk, e))
                                .conditionExpression("attribute_not_exists(PK)")).build(),
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(stateItem(pk, e, after, version + 1))
                                .conditionExpression(exists ? "version = :v" : "attribute_not_exists(PK)")
                                .expressionAttributeValues(exists ? Map.of(":v", n(version)) : null)).build()));
                // The tenant's counters are one item every entry would touch: kept out of the transaction so
                // concurrent entries do not conflict on it (a crash between the two can miss one count).
                dynamo.updateItem(u -> u.tableName(table).key(TableItems.key(TableItems.tenant(e.tenant()), TableItems.CONSENT_STATS))
                        .updateExpression("ADD known :k, optedIn :i, optedOut :o")
                        .expressionAttributeValues(Map.of(":k", n(exists ? 0 : 1), ":i", n(delta(before.optedIn(), after.optedIn())),
                                ":o", n(delta(before.optedOut(), after.optedOut())))));
                return new Change(before, after);
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    return null; // this entry is already in the ledger
                }
                if (attempt >= 8) {
                    throw cancelled;
                }
                // the contact has a state, or it moved under us (another entry for the same contact): read it again
            }
        }
    }

    private static int delta(boolean before, boolean after) {
        return before == after ? 0 : after ? 1 : -1;
    }

    @Override
    public List<ConsentEvent> history(TenantId tenant, String contact) {
        List<ConsentEvent> out = new ArrayList<>();
        Map<String, AttributeValue> values = Map.of(":pk", s(pk(tenant, contact)), ":log", s(TableItems.CONSENT_ENTRIES));
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :log)").expressionAttributeValues(values))) {
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(entry(tenant, contact, item));
            }
        }
        out.sort(java.util.Comparator.comparing(ConsentEvent::at).thenComparing(ConsentEvent::id));
        return out;
    }

    @Override
    public ConsentState state(TenantId tenant, String contact) {
        // One round trip for the contact's state and, if it was erased, the opt-out kept under its pseudonym.
        String own = pk(tenant, contact);
        List<Map<String, AttributeValue>> keys = List.of(TableItems.key(own, TableItems.CONSENT_STATE),
                TableItems.key(pk(tenant, ContactKey.pseudonym(tenant, contact)), TableItems.CONSENT_STATE));
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> ask = request;
            var answer = dynamo.batchGetItem(r -> r.requestItems(ask));
            answer.responses().getOrDefault(table, List.of()).forEach(item -> found.put(item.get("PK").s(), item));
            request = answer.unprocessedKeys() == null ? Map.of() : answer.unprocessedKeys();
        }
        Map<String, AttributeValue> item = found.containsKey(own) ? found.get(own) : found.values().stream().findFirst().orElse(null);
        return item == null ? ConsentState.NONE : state(item);
    }

    @Override
    public int forget(TenantId tenant, String contact) {
        int n = 0;
        for (var page : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s(pk(tenant, contact)))).projectionExpression("PK, SK"))) {
            for (Map<String, AttributeValue> key : page.items()) {
                dynamo.deleteItem(r -> r.tableName(table).key(key));
                n++;
            }
        }
        return n;
    }

    private static Map<String, AttributeValue> entry(String pk, ConsentEvent e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s(pk));
        item.put("SK", s(TableItems.consentEntry(e.id())));
        item.put("tenantId", s(e.tenant().value()));
        item.put("contact", s(e.contact()));
        item.put("action", s(e.action().name()));
        item.put("scope", s(e.scope().name()));
        item.put("source", s(e.source().name()));
        item.put("at", s(e.at().toString()));
        if (!e.proof().isEmpty()) {
            Map<String, AttributeValue> proof = new HashMap<>();
            e.proof().forEach((k, v) -> proof.put(k, s(v)));
            item.put("proof", AttributeValue.fromM(proof));
        }
        if (e.recordedBy() != null) {
            item.put("recordedBy", s(e.recordedBy()));
        }
        return item;
    }

    private static ConsentEvent entry(TenantId tenant, String contact, Map<String, AttributeValue> item) {
        Map<String, String> proof = new HashMap<>();
        if (item.containsKey("proof")) {
            item.get("proof").m().forEach((k, v) -> proof.put(k, v.s()));
        }
        return new ConsentEvent(TableItems.consentEntryIdOf(item.get("SK").s()), tenant, contact,
                ConsentEvent.Action.valueOf(item.get("action").s()), ConsentEvent.Scope.valueOf(item.get("scope").s()),
                ConsentEvent.Source.valueOf(item.get("source").s()), Instant.parse(item.get("at").s()), proof, str(item, "recordedBy"));
    }

    private static Map<String, AttributeValue> stateItem(String pk, ConsentEvent e, ConsentState st, long version) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s(pk));
        item.put("SK", s(TableItems.CONSENT_STATE));
        item.put("tenantId", s(e.tenant().value()));
        item.put("contact", s(e.contact()));
        item.put("all", s(st.all().name()));
        item.put("marketing", s(st.marketing().name()));
        item.put("updatedAt", s(st.updatedAt().toString()));
        if (st.optedOutAt() != null) {
            item.put("optedOutAt", s(st.optedOutAt().toString()));
        }
        item.put("entries", n(st.entries()));
        item.put("version", n(version));
        item.put("GSI1PK", s(TableItems.tenantConsents(e.tenant()))); // the tenant's ledgers, for its purge
        item.put("GSI1SK", s(e.contact()));
        return item;
    }

    private static ConsentState state(Map<String, AttributeValue> item) {
        return new ConsentState(ConsentState.Standing.valueOf(item.get("all").s()), ConsentState.Standing.valueOf(item.get("marketing").s()),
                Instant.parse(item.get("updatedAt").s()), item.containsKey("optedOutAt") ? Instant.parse(item.get("optedOutAt").s()) : null,
                Integer.parseInt(item.get("entries").n()));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
