package io.wabridge.adapters.aws;

import static io.wabridge.adapters.aws.DynamoDbItems.str;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.TemplateCatalog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Template records {@code TENANT#{tenant}} / {@code TEMPLATE#{waba}#{name}#{language}}, the items the template webhooks
 * update ({@code shape}: the parameters it takes, {@link io.wabridge.core.send.TemplateShape#encode()}, known from a
 * sync or a creation through WaBridge); and {@code TENANT#{tenant}} / {@code TEMPLATESYNC#{waba}} with the time of the
 * WABA's last full sync.
 */
public final class DynamoDbTemplates implements TemplateCatalog.Store {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbTemplates(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public void upsert(TenantId tenant, TemplateCatalog.Template t) {
        Map<String, String> values = new HashMap<>();
        values.put("wabaId", t.wabaId());
        values.put("templateId", t.id());
        values.put("name", t.name());
        values.put("language", t.language());
        values.put("category", t.category());
        values.put("status", t.status());
        values.put("quality", t.quality());
        values.put("reason", t.reason());
        values.put("shape", t.shape() == null ? null : t.shape().encode());
        values.put("updatedAt", clock.instant().toString());
        StringBuilder set = new StringBuilder();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> av = new HashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                set.append(set.isEmpty() ? "SET " : ", ").append("#").append(k).append(" = :").append(k);
                names.put("#" + k, k);
                av.put(":" + k, AttributeValue.fromS(v));
            }
        });
        dynamo.updateItem(r -> r.tableName(table)
                .key(TableItems.key(TableItems.tenant(tenant), TableItems.template(t.wabaId(), t.name(), t.language())))
                .updateExpression(set.toString()).expressionAttributeNames(names).expressionAttributeValues(av));
    }

    @Override
    public List<TemplateCatalog.Template> list(TenantId tenant, String wabaId) {
        List<TemplateCatalog.Template> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(r -> r.tableName(table)
                .keyConditionExpression("PK = :p AND begins_with(SK, :s)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TableItems.tenant(tenant)),
                        ":s", AttributeValue.fromS(TableItems.templates(wabaId))))).items()) {
            out.add(new TemplateCatalog.Template(wabaId, str(item, "templateId"), str(item, "name"), str(item, "language"),
                    str(item, "category"), str(item, "status"), str(item, "quality"), str(item, "reason"), str(item, "reasonText"),
                    str(item, "pendingCategory"), str(item, "pendingCategoryAt") == null ? null : java.time.Instant.parse(str(item, "pendingCategoryAt")),
                    io.wabridge.core.send.TemplateShape.decode(str(item, "shape"))));
        }
        return out;
    }

    /** The sort key of a WABA's sync record. */
    static String syncedSortKey(String wabaId) {
        return TableItems.templateSync(wabaId);
    }

    @Override
    public void markSynced(TenantId tenant, String wabaId) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of("PK", AttributeValue.fromS(TableItems.tenant(tenant)),
                "SK", AttributeValue.fromS(syncedSortKey(wabaId)), "syncedAt", AttributeValue.fromS(clock.instant().toString()))));
    }

    @Override
    public List<String> markDeleted(TenantId tenant, String wabaId, String name, String hsmId) {
        List<String> languages = new ArrayList<>();
        for (TemplateCatalog.Template t : list(tenant, wabaId)) {
            if (t.name().equals(name) && (hsmId == null || hsmId.equals(t.id())) && !TemplateCatalog.DELETED.equals(t.status())) {
                upsert(tenant, new TemplateCatalog.Template(t.wabaId(), t.id(), t.name(), t.language(), t.category(), TemplateCatalog.DELETED,
                        t.quality(), t.reason(), t.shape()));
                languages.add(t.language());
            }
        }
        return languages;
    }
}
