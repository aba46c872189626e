package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.Routing;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Routing records ({@code PK=PHONE#{id}} or {@code WABA#{id}}, {@code SK=ROUTE}, attribute {@code tenantId})
 * and the unrouted log ({@code PK=UNROUTED#{yyyy-mm-dd}}, {@code SK={kind}#{id}}, a counter, expiring after
 * 14 days: one item per unknown id per day, so it stays bounded). Found owners are cached for a minute per
 * container, since a number changes owner only through a new signup; a missing route is never cached, so a
 * number's first message after its signup is routed.
 */
public final class DynamoDbRouting implements Routing, io.wabridge.core.channel.RoutingClaims {

    private static final Duration CACHE_TTL = Duration.ofMinutes(1);

    private record Cached(Optional<TenantId> tenant, long expiresAt) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public DynamoDbRouting(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<TenantId> byPhoneNumber(PhoneNumberId id) {
        return lookup(TableItems.phoneRoute(id.value()));
    }

    @Override
    public Optional<TenantId> byWaba(String wabaId) {
        return lookup(TableItems.wabaRoute(wabaId));
    }

    private Optional<TenantId> lookup(String pk) {
        long now = clock.millis();
        Cached hit = cache.get(pk);
        if (hit != null && hit.expiresAt() > now) {
            return hit.tenant();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(TableItems.key(pk, TableItems.ROUTE))).item();
        Optional<TenantId> tenant = item == null || !item.containsKey("tenantId") ? Optional.empty()
                : Optional.of(new TenantId(item.get("tenantId").s()));
        if (tenant.isPresent()) {
            if (cache.size() > 50_000) {
                cache.clear();
            }
            cache.put(pk, new Cached(tenant, now + CACHE_TTL.toMillis()));
        }
        return tenant;
    }

    /**
     * Claims a WABA and its number for a tenant in one transaction: both or neither. A number or WABA
     * already owned by another tenant is refused (one owner per number); claiming again for the same
     * tenant is a no-op.
     *
     * @return false if another tenant owns either
     */
    @Override
    public boolean claim(TenantId tenant, String wabaId, String phoneNumberId) {
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    t -> t.put(claimPut(TableItems.wabaRoute(wabaId), tenant, wabaId)),
                    t -> t.put(claimPut(TableItems.phoneRoute(phoneNumberId), tenant, wabaId))));
            cache.remove(TableItems.wabaRoute(wabaId));
            cache.remove(TableItems.phoneRoute(phoneNumberId));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<TenantId> numberOwner(String phoneNumberId) {
        return owner(TableItems.phoneRoute(phoneNumberId));
    }

    @Override
    public Optional<TenantId> wabaOwner(String wabaId) {
        return owner(TableItems.wabaRoute(wabaId));
    }

    private Optional<TenantId> owner(String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(TableItems.key(pk, TableItems.ROUTE))).item();
        return item == null || !item.containsKey("tenantId") ? Optional.empty() : Optional.of(new TenantId(item.get("tenantId").s()));
    }

    /**
     * Moves both records to {@code to} and writes an audit record ({@code PK=TENANT#{tenant}#AUDIT}, as
     * {@link DynamoDbContactData#audit} writes them) for each tenant, all in one transaction.
     */
    @Override
    public boolean move(TenantId to, TenantId from, String wabaId, String phoneNumberId, String reason, Instant at) {
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    t -> t.put(movePut(TableItems.wabaRoute(wabaId), to, from, wabaId)),
                    t -> t.put(movePut(TableItems.phoneRoute(phoneNumberId), to, from, wabaId)),
                    t -> t.put(audit(from, "channel.ownership_lost", phoneNumberId, wabaId, reason, at)),
                    t -> t.put(audit(to, "channel.ownership_gained", phoneNumberId, wabaId, reason, at))));
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason2 -> "ConditionalCheckFailed".equals(reason2.code()))) {
                return false;
            }
            throw e;
        }
        cache.remove(TableItems.wabaRoute(wabaId));
        cache.remove(TableItems.phoneRoute(phoneNumberId));
        return true;
    }

    private Put movePut(String pk, TenantId to, TenantId from, String wabaId) {
        return Put.builder().tableName(table).item(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(TableItems.ROUTE),
                        "tenantId", AttributeValue.fromS(to.value()), "wabaId", AttributeValue.fromS(wabaId)))
                .conditionExpression("attribute_not_exists(PK) OR tenantId = :t OR tenantId = :f")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(to.value()), ":f", AttributeValue.fromS(from.value()))).build();
    }

    private Put audit(TenantId tenant, String action, String phoneNumberId, String wabaId, String reason, Instant at) {
        return Put.builder().tableName(table).item(Map.of("PK", AttributeValue.fromS(TableItems.audit(tenant)),
                "SK", AttributeValue.fromS(at + "#" + java.util.UUID.randomUUID()), "action", AttributeValue.fromS(action),
                "subject", AttributeValue.fromS(phoneNumberId), "who", AttributeValue.fromS("signup"),
                "wabaId", AttributeValue.fromS(wabaId), "reason", AttributeValue.fromS(reason))).build();
    }

    public boolean claim(TenantId tenant, String wabaId, PhoneNumberId phoneNumberId) {
        return claim(tenant, wabaId, phoneNumberId.value());
    }

    private Put claimPut(String pk, TenantId tenant, String wabaId) {
        return Put.builder().tableName(table).item(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(TableItems.ROUTE),
                        "tenantId", AttributeValue.fromS(tenant.value()), "wabaId", AttributeValue.fromS(wabaId)))
                .conditionExpression("attribute_not_exists(PK) OR tenantId = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenant.value()))).build();
    }

    /**
     * Releases routing records this tenant owns. Other Lambda containers may route to the tenant for up to
     * the cache's minute afterwards; updates for a released number then land on a disconnected channel.
     */
    @Override
    public void release(TenantId tenant, String wabaId, String phoneNumberId, boolean releaseWaba) {
        release(TableItems.phoneRoute(phoneNumberId), tenant);
        if (releaseWaba) {
            release(TableItems.wabaRoute(wabaId), tenant);
        }
    }

    private void release(String pk, TenantId tenant) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(TableItems.key(pk, TableItems.ROUTE))
                    .conditionExpression("tenantId = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenant.value()))));
        } catch (ConditionalCheckFailedException e) {
            // not ours (or gone already): nothing to release
        }
        cache.remove(pk);
    }

    @Override
    public void recordUnrouted(String kind, String id) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        dynamo.updateItem(r -> r.tableName(table)
                .key(TableItems.key(TableItems.unrouted(day), kind + "#" + id))
                .updateExpression("ADD seen :one SET lastSeenAt = :now, expiresAt = :exp")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":now", AttributeValue.fromS(clock.instant().toString()),
                        ":exp", AttributeValue.fromN(Long.toString(clock.instant().plus(Duration.ofDays(14)).getEpochSecond())))));
    }
}
