package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Global secondary indexes: projections, sparse indexes, paging over equal index keys. */
class IndexConformanceTest extends EngineTest {

    private static final String GSI = "Developer Guide: Using Global Secondary Indexes in DynamoDB - ";

    static String tableWith(ProjectionType type, String... include) {
        String name = "g-" + UUID.randomUUID();
        ddb.createTable(r -> r.tableName(name).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("SK").attributeType("S"),
                        a -> a.attributeName("G").attributeType("S"), a -> a.attributeName("GS").attributeType("N"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("SK").keyType("RANGE"))
                .globalSecondaryIndexes(g -> g.indexName("byG").keySchema(k -> k.attributeName("G").keyType("HASH"),
                        k -> k.attributeName("GS").keyType("RANGE")).projection(p -> p.projectionType(type)
                        .nonKeyAttributes(include.length == 0 ? null : List.of(include)))));
        return name;
    }

    List<Map<String, AttributeValue>> queryIndex(String table, String g) {
        return ddb.query(q -> q.tableName(table).indexName("byG").keyConditionExpression("G = :g").expressionAttributeValues(item(":g", g))).items();
    }

    @Test
    @Doc(GSI + "Querying a global secondary index (projection ALL)")
    void queryAllProjection() {
        String t = tableWith(ProjectionType.ALL);
        put(t, item("PK", "a", "SK", "1", "G", "g", "GS", 2, "x", "X"));
        put(t, item("PK", "b", "SK", "1", "G", "g", "GS", 1, "x", "Y"));
        var items = queryIndex(t, "g");
        assertThat(items).extracting(i -> i.get("PK").s()).containsExactly("b", "a");
        assertThat(items.get(0)).containsKey("x");
    }

    @Test
    @Doc(GSI + "Attribute projections: KEYS_ONLY holds the table and index keys")
    void keysOnly() {
        String t = tableWith(ProjectionType.KEYS_ONLY);
        put(t, item("PK", "a", "SK", "1", "G", "g", "GS", 1, "x", "X"));
        assertThat(queryIndex(t, "g").get(0)).containsOnlyKeys("PK", "SK", "G", "GS");
    }

    @Test
    @Doc(GSI + "Attribute projections: INCLUDE adds the named non-key attributes")
    void include() {
        String t = tableWith(ProjectionType.INCLUDE, "x");
        put(t, item("PK", "a", "SK", "1", "G", "g", "GS", 1, "x", "X", "y", "Y"));
        assertThat(queryIndex(t, "g").get(0)).containsOnlyKeys("PK", "SK", "G", "GS", "x");
    }

    @Test
    @Doc(GSI + "Select ALL_ATTRIBUTES is refused on an index that does not project all attributes")
    void allAttributesNeedsAllProjection() {
        String t = tableWith(ProjectionType.KEYS_ONLY);
        invalid(() -> ddb.query(q -> q.tableName(t).indexName("byG").keyConditionExpression("G = :g").select(Select.ALL_ATTRIBUTES)
                .expressionAttributeValues(item(":g", "g"))), "ALL_ATTRIBUTES");
    }

    @Test
    @Doc("Developer Guide: Best practices for using secondary indexes - Take advantage of sparse indexes")
    void sparse() {
        String t = tableWith(ProjectionType.ALL);
        put(t, item("PK", "a", "SK", "1", "G", "g", "GS", 1));
        put(t, item("PK", "b", "SK", "1", "G", "g"));
        put(t, item("PK", "c", "SK", "1"));
        assertThat(queryIndex(t, "g")).hasSize(1);
        assertThat(ddb.scan(s -> s.tableName(t).indexName("byG")).count()).isEqualTo(1);
    }

    @Test
    @Doc(GSI + "an item leaves the index when its index key is removed, and moves when it changes")
    void indexFollowsUpdates() {
        String t = tableWith(ProjectionType.ALL);
        put(t, item("PK", "a", "SK", "1", "G", "g", "GS", 1));
        ddb.updateItem(u -> u.tableName(t).key(key("a", "1")).updateExpression("SET G = :h").expressionAttributeValues(item(":h", "h")));
        assertThat(queryIndex(t, "g")).isEmpty();
        assertThat(queryIndex(t, "h")).hasSize(1);
        ddb.updateItem(u -> u.tableName(t).key(key("a", "1")).updateExpression("REMOVE GS"));
        assertThat(queryIndex(t, "h")).isEmpty();
        ddb.deleteItem(d -> d.tableName(t).key(key("a", "1")));
        assertThat(ddb.scan(s -> s.tableName(t).indexName("byG")).count()).isZero();
    }

    @Test
    @Doc(GSI + "index key attribute types are checked on write")
    void indexKeyTypeIsChecked() {
        String t = tableWith(ProjectionType.ALL);
        invalid(() -> put(t, item("PK", "a", "SK", "1", "G", "g", "GS", "notanumber")), "Type mismatch for Index Key GS Expected: N Actual: S IndexName: byG");
    }

    @Test
    @Doc("Developer Guide: Paginating table query results - paging over an index where many items share the index keys")
    void pagingOverEqualIndexKeys() {
        String t = tableWith(ProjectionType.ALL);
        for (int i = 0; i < 25; i++) {
            put(t, item("PK", "p" + (i % 5), "SK", "s" + i, "G", "same", "GS", 1));
        }
        List<String> seen = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> esk = start;
            var r = ddb.query(q -> q.tableName(t).indexName("byG").keyConditionExpression("G = :g AND GS = :one").limit(4)
                    .exclusiveStartKey(esk).expressionAttributeValues(item(":g", "same", ":one", 1)));
            r.items().forEach(i -> seen.add(i.get("PK").s() + "/" + i.get("SK").s()));
            start = r.lastEvaluatedKey().isEmpty() ? null : r.lastEvaluatedKey();
            if (start != null) {
                assertThat(start).containsOnlyKeys("PK", "SK", "G", "GS");
            }
        } while (start != null);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
    }

    @Test
    @Doc(GSI + "strongly consistent reads are not supported on a global secondary index")
    void consistentReadOnIndexIsRefused() {
        String t = tableWith(ProjectionType.ALL);
        invalid(() -> ddb.query(q -> q.tableName(t).indexName("byG").consistentRead(true).keyConditionExpression("G = :g")
                .expressionAttributeValues(item(":g", "g"))), "Consistent reads are not supported on global secondary indexes");
    }

    @Test
    @Doc(GSI + "querying an index the table does not have is refused")
    void unknownIndex() {
        String t = tableWith(ProjectionType.ALL);
        invalid(() -> ddb.query(q -> q.tableName(t).indexName("nope").keyConditionExpression("G = :g")
                .expressionAttributeValues(item(":g", "g"))), "The table does not have the specified index: nope");
    }

    @Test
    @Doc(GSI + "key condition on the index sort key (range and BETWEEN on numbers)")
    void indexSortKeyConditions() {
        String t = tableWith(ProjectionType.ALL);
        for (int i = 0; i < 6; i++) {
            put(t, item("PK", "a", "SK", "s" + i, "G", "g", "GS", i));
        }
        var r = ddb.query(q -> q.tableName(t).indexName("byG").keyConditionExpression("G = :g AND GS BETWEEN :a AND :b")
                .scanIndexForward(false).expressionAttributeValues(item(":g", "g", ":a", 2, ":b", 4)));
        assertThat(r.items()).extracting(i -> i.get("GS").n()).containsExactly("4", "3", "2");
    }

    @Test
    @Doc("API Reference: Query - IndexName with Select COUNT and FilterExpression")
    void indexCountWithFilter() {
        String t = tableWith(ProjectionType.ALL);
        for (int i = 0; i < 6; i++) {
            put(t, item("PK", "a", "SK", "s" + i, "G", "g", "GS", i, "odd", AttributeValue.fromBool(i % 2 == 1)));
        }
        var r = ddb.query(q -> q.tableName(t).indexName("byG").keyConditionExpression("G = :g").filterExpression("odd = :t")
                .select(Select.COUNT).expressionAttributeValues(item(":g", "g", ":t", AttributeValue.fromBool(true))));
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.scannedCount()).isEqualTo(6);
    }
}
