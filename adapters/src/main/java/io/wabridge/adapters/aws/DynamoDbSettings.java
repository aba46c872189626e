package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsStore;
import io.wabridge.core.tenant.TenantSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Tenant settings as {@code TENANT#{tenant}} / {@code SETTINGS}, saved over the version read, with every
 * version kept as {@code SETTINGS#V{version}} (who and when). {@link #cached} serves the inbound path,
 * which asks for every message, from a 30-second cache.
 */
public final class DynamoDbSettings implements SettingsStore {

    static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private record Cached(Optional<TenantSettings> settings, long until) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public DynamoDbSettings(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<TenantSettings> get(TenantId tenant) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(TableItems.key(TableItems.tenant(tenant), TableItems.SETTINGS))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(settings(item));
    }

    /** The settings, at most 30 seconds old. */
    public Optional<TenantSettings> cached(TenantId tenant) {
        long now = clock.millis();
        Cached c = cache.get(tenant.value());
        if (c != null && c.until() > now) {
            return c.settings();
        }
        if (cache.size() > 50_000) {
            cache.clear();
        }
        Optional<TenantSettings> fresh = get(tenant);
        cache.put(tenant.value(), new Cached(fresh, now + CACHE_TTL.toMillis()));
        return fresh;
    }

    @Override
    public boolean save(TenantId tenant, TenantSettings s, long expectedVersion) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.putAll(TableItems.key(TableItems.tenant(tenant), TableItems.SETTINGS));
        item.put("tenantId", AttributeValue.fromS(tenant.value()));
        if (s.botHookUrl() != null) {
            item.put("botHookUrl", AttributeValue.fromS(s.botHookUrl().toString()));
        }
        item.put("botHookTimeoutMillis", AttributeValue.fromN(Integer.toString(s.botHookTimeoutMillis())));
        if (s.displayName() != null) {
            item.put("displayName", AttributeValue.fromS(s.displayName()));
        }
        if (s.optInIntent() != null) {
            item.put("optInIntent", AttributeValue.fromS(s.optInIntent()));
        }
        item.put("optInForUtility", AttributeValue.fromBool(s.optInForUtility()));
        item.put("optInForMarketing", AttributeValue.fromBool(s.optInForMarketing()));
        item.put("stopKeywords", AttributeValue.fromL(s.stopKeywords().stream().map(AttributeValue::fromS).toList()));
        item.put("startKeywords", AttributeValue.fromL(s.startKeywords().stream().map(AttributeValue::fromS).toList()));
        item.put("defaultTemplateLanguage", AttributeValue.fromS(s.defaultTemplateLanguage()));
        item.put("reminderMax", AttributeValue.fromN(Integer.toString(s.optInReminders().max())));
        item.put("reminderVia", AttributeValue.fromS(s.optInReminders().via()));
        item.put("reminderAfterMinutes", AttributeValue.fromN(Integer.toString(s.optInReminders().afterMinutes())));
        item.put("version", AttributeValue.fromN(Long.toString(s.version())));
        item.put("updatedAt", AttributeValue.fromS(s.updatedAt().toString()));
        if (s.updatedBy() != null) {
            item.put("updatedBy", AttributeValue.fromS(s.updatedBy()));
        }
        Map<String, AttributeValue> history = new HashMap<>(item);
        history.put("SK", AttributeValue.fromS(TableItems.settingsVersion(s.version())));
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    t -> t.put(Put.builder().tableName(table).item(item)
                            .conditionExpression(expectedVersion == 0 ? "attribute_not_exists(PK)" : "version = :v")
                            .expressionAttributeValues(expectedVersion == 0 ? null
                                    : Map.of(":v", AttributeValue.fromN(Long.toString(expectedVersion)))).build()),
                    t -> t.put(Put.builder().tableName(table).item(history).build())));
            cache.remove(tenant.value());
            return true;
        } catch (TransactionCanceledException | ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static TenantSettings settings(Map<String, AttributeValue> item) {
        return new TenantSettings(item.containsKey("botHookUrl") ? URI.create(item.get("botHookUrl").s()) : null,
                Integer.parseInt(item.get("botHookTimeoutMillis").n()), str(item, "displayName"), str(item, "optInIntent"),
                item.get("optInForUtility").bool(), item.get("optInForMarketing").bool(), strings(item, "stopKeywords"),
                strings(item, "startKeywords"), item.get("defaultTemplateLanguage").s(),
                item.containsKey("reminderMax") ? new TenantSettings.Reminders(Integer.parseInt(item.get("reminderMax").n()), str(item, "reminderVia"),
                        Integer.parseInt(item.get("reminderAfterMinutes").n()))
                        : TenantSettings.Reminders.OFF, Long.parseLong(item.get("version").n()),
                Instant.parse(item.get("updatedAt").s()), str(item, "updatedBy"));
    }

    private static List<String> strings(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).l().stream().map(AttributeValue::s).toList() : List.of();
    }
}
