package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.Usage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The daily usage counters ({@code TENANT#{tenant}} / {@code USAGE#{day}}) of a date range, one query. */
public final class DynamoDbUsage implements Usage.Counts {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbUsage(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<Usage.Day> days(TenantId tenant, LocalDate from, LocalDate to) {
        List<Usage.Day> out = new ArrayList<>();
        var pages = dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("PK = :p AND SK BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TableItems.tenant(tenant)),
                        ":a", AttributeValue.fromS(TableItems.usage(from)), ":b", AttributeValue.fromS(TableItems.usage(to)))));
        for (Map<String, AttributeValue> item : pages.items()) {
            Map<String, Long> counters = new TreeMap<>();
            item.forEach((k, v) -> {
                if (v.n() != null && !k.equals("expiresAt")) {
                    counters.put(k, Long.parseLong(v.n()));
                }
            });
            out.add(new Usage.Day(TableItems.dayOfUsage(item.get("SK").s()), counters));
        }
        return out;
    }
}
