package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Query and Scan: key conditions, order, paging, filters, projections, counting. */
class QueryScanConformanceTest extends EngineTest {

    private static final String KEYS = "Developer Guide: Querying tables in DynamoDB - Key condition expressions for Query: ";

    String t;

    @BeforeEach
    void items() {
        t = table();
        for (int i = 0; i < 10; i++) {
            put(t, item("PK", "p", "SK", "item#" + i, "i", i, "even", AttributeValue.fromBool(i % 2 == 0)));
        }
        put(t, item("PK", "p", "SK", "other", "i", 100));
        put(t, item("PK", "q", "SK", "item#0", "i", 0));
    }

    QueryResponse query(String keyCondition, Object... values) {
        return ddb.query(q -> q.tableName(t).keyConditionExpression(keyCondition).expressionAttributeValues(item(values)));
    }

    @Test
    @Doc(KEYS + "partition key equality returns the partition in sort key order")
    void partitionEquality() {
        assertThat(sks(query("PK = :p", ":p", "p").items())).hasSize(11).startsWith("item#0", "item#1").endsWith("other");
    }

    @Test
    @Doc(KEYS + "sort key = ")
    void sortKeyEquals() {
        assertThat(sks(query("PK = :p AND SK = :s", ":p", "p", ":s", "item#3").items())).containsExactly("item#3");
    }

    @Test
    @Doc(KEYS + "sort key < and <=")
    void sortKeyLess() {
        assertThat(sks(query("PK = :p AND SK < :s", ":p", "p", ":s", "item#2").items())).containsExactly("item#0", "item#1");
        assertThat(sks(query("PK = :p AND SK <= :s", ":p", "p", ":s", "item#2").items())).containsExactly("item#0", "item#1", "item#2");
    }

    @Test
    @Doc(KEYS + "sort key > and >=")
    void sortKeyGreater() {
        assertThat(sks(query("PK = :p AND SK > :s", ":p", "p", ":s", "item#8").items())).containsExactly("item#9", "other");
        assertThat(sks(query("PK = :p AND SK >= :s", ":p", "p", ":s", "item#9").items())).containsExactly("item#9", "other");
    }

    @Test
    @Doc(KEYS + "sort key BETWEEN (inclusive)")
    void sortKeyBetween() {
        assertThat(sks(query("PK = :p AND SK BETWEEN :a AND :b", ":p", "p", ":a", "item#3", ":b", "item#5").items()))
                .containsExactly("item#3", "item#4", "item#5");
    }

    @Test
    @Doc(KEYS + "BETWEEN with the lower bound above the upper bound is refused")
    void sortKeyBetweenReversedIsRefused() {
        invalid(() -> query("PK = :p AND SK BETWEEN :a AND :b", ":p", "p", ":a", "item#5", ":b", "item#3"),
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound");
    }

    @Test
    @Doc(KEYS + "sort key begins_with")
    void sortKeyBeginsWith() {
        assertThat(sks(query("PK = :p AND begins_with(SK, :b)", ":p", "p", ":b", "item#").items())).hasSize(10);
        assertThat(sks(query("PK = :p AND begins_with(SK, :b)", ":p", "p", ":b", "oth").items())).containsExactly("other");
    }

    @Test
    @Doc("API Reference: Query - ScanIndexForward false with begins_with returns the prefix's items backwards")
    void beginsWithBackwards() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p AND begins_with(SK, :b)").scanIndexForward(false)
                .expressionAttributeValues(item(":p", "p", ":b", "item#")));
        assertThat(sks(r.items())).hasSize(10).startsWith("item#9", "item#8").endsWith("item#0");
    }

    @Test
    @Doc(KEYS + "the key condition may name the sort key first")
    void conditionOrderDoesNotMatter() {
        assertThat(sks(query("SK = :s AND PK = :p", ":p", "p", ":s", "item#3").items())).containsExactly("item#3");
    }

    @Test
    @Doc(KEYS + "the partition key must be tested with =")
    void partitionKeyNeedsEquality() {
        invalid(() -> query("PK > :p", ":p", "p"), "Query key condition not supported");
    }

    @Test
    @Doc(KEYS + "the partition key is required")
    void partitionKeyIsRequired() {
        invalid(() -> query("SK = :s", ":s", "x"), "Query condition missed key schema element: PK");
    }

    @Test
    @Doc(KEYS + "a non-key attribute is refused (use a filter expression)")
    void nonKeyAttributesAreRefused() {
        invalid(() -> query("PK = :p AND i = :i", ":p", "p", ":i", 1), "Query condition missed key schema element");
    }

    @Test
    @Doc(KEYS + "OR is not allowed")
    void orIsRefused() {
        invalid(() -> query("PK = :p OR PK = :q", ":p", "p", ":q", "q"), "Invalid operator used in KeyConditionExpression");
    }

    @Test
    @Doc(KEYS + "the value type must match the key's type")
    void keyValueTypeMustMatch() {
        invalid(() -> query("PK = :p", ":p", 1), "Condition parameter type does not match schema type");
    }

    @Test
    @Doc("API Reference: Query - ScanIndexForward false returns items in descending sort key order")
    void backwards() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").scanIndexForward(false).expressionAttributeValues(item(":p", "p")));
        assertThat(sks(r.items())).startsWith("other", "item#9");
    }

    @Test
    @Doc("Developer Guide: Paginating table query results - Limit and LastEvaluatedKey/ExclusiveStartKey")
    void paging() {
        List<String> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> esk = start;
            var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(4).exclusiveStartKey(esk)
                    .expressionAttributeValues(item(":p", "p")));
            all.addAll(sks(r.items()));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            pages++;
        } while (start != null);
        assertThat(all).hasSize(11).doesNotHaveDuplicates();
        assertThat(pages).isEqualTo(3);
    }

    @Test
    @Doc("Developer Guide: Paginating table query results - LastEvaluatedKey holds the table's key")
    void lastEvaluatedKeyIsTheKey() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(2).expressionAttributeValues(item(":p", "p")));
        assertThat(r.lastEvaluatedKey()).containsOnlyKeys("PK", "SK").containsEntry("SK", s("item#1"));
    }

    @Test
    @Doc("Developer Guide: Paginating table query results - paging backwards")
    void pagingBackwards() {
        var first = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(3).scanIndexForward(false)
                .expressionAttributeValues(item(":p", "p")));
        var second = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(3).scanIndexForward(false)
                .exclusiveStartKey(first.lastEvaluatedKey()).expressionAttributeValues(item(":p", "p")));
        assertThat(sks(second.items())).containsExactly("item#7", "item#6", "item#5");
    }

    @Test
    @Doc("Developer Guide: Filter expressions for Query - Limit counts the items read before the filter")
    void limitCountsBeforeTheFilter() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").filterExpression("even = :t").limit(4)
                .expressionAttributeValues(item(":p", "p", ":t", AttributeValue.fromBool(true))));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.scannedCount()).isEqualTo(4);
        assertThat(r.lastEvaluatedKey()).containsEntry("SK", s("item#3"));
    }

    @Test
    @Doc("Developer Guide: Filter expressions for Query - Count is after the filter, ScannedCount before")
    void filter() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").filterExpression("i >= :five")
                .expressionAttributeValues(item(":p", "p", ":five", 5)));
        assertThat(r.count()).isEqualTo(6);
        assertThat(r.scannedCount()).isEqualTo(11);
    }

    @Test
    @Doc("Developer Guide: Filter expressions for Query - a filter may not name key attributes")
    void filterOnKeysIsAllowedOnlyForNonKey() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").filterExpression("begins_with(SK, :o)")
                .expressionAttributeValues(item(":p", "p", ":o", "oth")));
        assertThat(r.count()).isEqualTo(1);
    }

    @Test
    @Doc("API Reference: Query - Select COUNT returns the count and no items")
    void selectCount() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").select(Select.COUNT).expressionAttributeValues(item(":p", "p")));
        assertThat(r.count()).isEqualTo(11);
        assertThat(r.hasItems()).isFalse();
    }

    @Test
    @Doc("API Reference: Query - ProjectionExpression returns only the named attributes")
    void projection() {
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p AND SK = :s").projectionExpression("i")
                .expressionAttributeValues(item(":p", "p", ":s", "item#1")));
        assertThat(r.items().get(0)).containsOnlyKeys("i");
    }

    @Test
    @Doc("API Reference: Query - Select SPECIFIC_ATTRIBUTES needs a ProjectionExpression; ALL_ATTRIBUTES refuses one")
    void selectAndProjectionMustAgree() {
        invalid(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").select(Select.SPECIFIC_ATTRIBUTES)
                .expressionAttributeValues(item(":p", "p"))), "Must specify the ProjectionExpression");
        invalid(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").select(Select.ALL_ATTRIBUTES).projectionExpression("i")
                .expressionAttributeValues(item(":p", "p"))), "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
    }

    @Test
    @Doc("API Reference: Query - an empty partition returns no items and no LastEvaluatedKey")
    void emptyPartition() {
        var r = query("PK = :p", ":p", "nobody");
        assertThat(r.count()).isZero();
        assertThat(r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()).isFalse();
    }

    @Test
    @Doc("API Reference: Query - Limit must be at least 1")
    void limitZeroIsRefused() {
        invalid(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(0).expressionAttributeValues(item(":p", "p"))),
                "Member must have value greater than or equal to 1");
    }

    @Test
    @Doc("API Reference: Query - ExclusiveStartKey must be a key of the table")
    void badStartKeyIsRefused() {
        invalid(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").exclusiveStartKey(item("PK", "p"))
                .expressionAttributeValues(item(":p", "p"))), "The provided starting key is invalid");
    }

    @Test
    @Doc("API Reference: Query - the paginator follows LastEvaluatedKey to the end")
    void paginator() {
        long n = ddb.queryPaginator(q -> q.tableName(t).keyConditionExpression("PK = :p").limit(2).expressionAttributeValues(item(":p", "p")))
                .items().stream().count();
        assertThat(n).isEqualTo(11);
    }

    @Test
    @Doc("Developer Guide: Scanning tables in DynamoDB - a scan reads every item")
    void scanReadsEverything() {
        ScanResponse r = ddb.scan(s -> s.tableName(t));
        assertThat(r.count()).isEqualTo(12);
    }

    @Test
    @Doc("Developer Guide: Scanning tables in DynamoDB - paging with Limit across partitions")
    void scanPaging() {
        List<String> seen = new ArrayList<>();
        ddb.scanPaginator(s -> s.tableName(t).limit(5)).items().forEach(i -> seen.add(i.get("PK").s() + "/" + i.get("SK").s()));
        assertThat(seen).hasSize(12).doesNotHaveDuplicates();
    }

    @Test
    @Doc("Developer Guide: Scanning tables in DynamoDB - FilterExpression and Select COUNT")
    void scanFilterAndCount() {
        var r = ddb.scan(s -> s.tableName(t).filterExpression("i = :z").select(Select.COUNT).expressionAttributeValues(item(":z", 0)));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.scannedCount()).isEqualTo(12);
    }

    @Test
    @Doc("Developer Guide: Scanning tables in DynamoDB - Parallel scan (segments cover the table once)")
    void parallelScan() {
        int total = 0;
        for (int seg = 0; seg < 3; seg++) {
            int s = seg;
            total += ddb.scan(r -> r.tableName(t).segment(s).totalSegments(3)).count();
        }
        assertThat(total).isEqualTo(12);
    }

    @Test
    @Doc("Developer Guide: Querying tables - a numeric sort key orders by value, not text")
    void numericSortKeys() {
        String nt = numberTable();
        for (String v : new String[] {"10", "9", "-1", "100", "2.5"}) {
            put(nt, item("PK", "p", "N", n(v)));
        }
        var r = ddb.query(q -> q.tableName(nt).keyConditionExpression("PK = :p AND N > :z").expressionAttributeValues(item(":p", "p", ":z", 0)));
        List<String> order = new ArrayList<>();
        r.items().forEach(i -> order.add(i.get("N").n()));
        assertThat(order).containsExactly("2.5", "9", "10", "100");
    }

    @Test
    @Doc("API Reference: Query - a request on a missing table is ResourceNotFoundException")
    void missingTable() {
        fails(() -> ddb.query(QueryRequest.builder().tableName("nothere").keyConditionExpression("PK = :p")
                .expressionAttributeValues(item(":p", "p")).build()), "ResourceNotFoundException", "Requested resource not found");
    }
}
