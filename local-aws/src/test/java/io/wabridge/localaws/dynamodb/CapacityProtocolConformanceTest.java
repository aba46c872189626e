package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.localaws.DynamoDbThrottle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** ReturnConsumedCapacity by DynamoDB's rules, and the wire protocol's errors. */
class CapacityProtocolConformanceTest extends EngineTest {

    private static final String UNITS = "Developer Guide: DynamoDB read/write capacity mode - Read and write request units: ";

    static String kb(double kilobytes) {
        return "x".repeat((int) (kilobytes * 1024) - 20);
    }

    @Test
    @Doc(UNITS + "a write of up to 1 KB is one unit; larger items round up per 1 KB")
    void writeUnits() {
        String t = table();
        var small = ddb.putItem(r -> r.tableName(t).item(item("PK", "a", "SK", "1")).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(small.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        assertThat(small.consumedCapacity().tableName()).isEqualTo(t);
        var big = ddb.putItem(r -> r.tableName(t).item(item("PK", "b", "SK", "1", "d", kb(2.5))).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(big.consumedCapacity().capacityUnits()).isEqualTo(3.0);
    }

    @Test
    @Doc(UNITS + "an update is charged for the larger of the item before and after")
    void updateUnitsUseTheLargerItem() {
        String t = table();
        put(t, item("PK", "a", "SK", "1", "d", kb(3)));
        var r = ddb.updateItem(u -> u.tableName(t).key(key("a", "1")).updateExpression("REMOVE d").returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(r.consumedCapacity().capacityUnits()).isEqualTo(3.0);
    }

    @Test
    @Doc(UNITS + "a read of up to 4 KB is one unit strongly consistent, half eventually consistent")
    void readUnits() {
        String t = table();
        put(t, item("PK", "a", "SK", "1", "d", kb(5)));
        var strong = ddb.getItem(r -> r.tableName(t).key(key("a", "1")).consistentRead(true).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(strong.consumedCapacity().capacityUnits()).isEqualTo(2.0);
        var eventual = ddb.getItem(r -> r.tableName(t).key(key("a", "1")).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(eventual.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        var missing = ddb.getItem(r -> r.tableName(t).key(key("none", "1")).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(missing.consumedCapacity().capacityUnits()).isEqualTo(0.5);
    }

    @Test
    @Doc(UNITS + "Query sums the sizes of the items read, then rounds up to 4 KB")
    void queryUnits() {
        String t = table();
        for (int i = 0; i < 10; i++) {
            put(t, item("PK", "p", "SK", "s" + i, "d", kb(1)));
        }
        var r = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").consistentRead(true).expressionAttributeValues(item(":p", "p"))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(r.consumedCapacity().capacityUnits()).isEqualTo(3.0);
    }

    @Test
    @Doc(UNITS + "transactional writes cost two units per 1 KB")
    void transactionUnits() {
        String t = table();
        var r = ddb.transactWriteItems(x -> x.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(t).item(item("PK", "a", "SK", "1"))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(t).item(item("PK", "b", "SK", "1"))).build()));
        assertThat(r.consumedCapacity()).singleElement().extracting(ConsumedCapacity::capacityUnits).isEqualTo(4.0);
    }

    @Test
    @Doc(UNITS + "transactional reads cost two units per 4 KB")
    void transactGetUnits() {
        String t = table();
        put(t, item("PK", "a", "SK", "1"));
        var r = ddb.transactGetItems(x -> x.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .transactItems(g -> g.get(k -> k.tableName(t).key(key("a", "1")))));
        assertThat(r.consumedCapacity()).singleElement().extracting(ConsumedCapacity::capacityUnits).isEqualTo(2.0);
    }

    @Test
    @Doc("API Reference: ConsumedCapacity - INDEXES splits the table's and each global secondary index's units")
    void indexesBreakdown() {
        String t = table();
        var r = ddb.putItem(p -> p.tableName(t).item(item("PK", "a", "SK", "1", "GSI1PK", "g", "GSI1SK", "s"))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
        ConsumedCapacity c = r.consumedCapacity();
        assertThat(c.capacityUnits()).isEqualTo(2.0);
        assertThat(c.table().capacityUnits()).isEqualTo(1.0);
        assertThat(c.globalSecondaryIndexes().get("GSI1").capacityUnits()).isEqualTo(1.0);
        var plain = ddb.putItem(p -> p.tableName(t).item(item("PK", "b", "SK", "1")).returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
        assertThat(plain.consumedCapacity().capacityUnits()).isEqualTo(1.0);
    }

    @Test
    @Doc("API Reference: BatchWriteItem and BatchGetItem - ConsumedCapacity per table")
    void batchUnits() {
        String t = table();
        var w = ddb.batchWriteItem(b -> b.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).requestItems(Map.of(t, List.of(
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "a", "SK", "1"))).build(),
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "b", "SK", "1"))).build()))));
        assertThat(w.consumedCapacity()).singleElement().extracting(ConsumedCapacity::capacityUnits).isEqualTo(2.0);
        var g = ddb.batchGetItem(b -> b.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).requestItems(Map.of(t,
                KeysAndAttributes.builder().consistentRead(true).keys(key("a", "1"), key("b", "1")).build())));
        assertThat(g.consumedCapacity()).singleElement().extracting(ConsumedCapacity::capacityUnits).isEqualTo(2.0);
    }

    @Test
    @Doc("API Reference: PutItem - ReturnConsumedCapacity NONE (the default) returns none")
    void noCapacityByDefault() {
        String t = table();
        assertThat(ddb.putItem(r -> r.tableName(t).item(item("PK", "a", "SK", "1"))).consumedCapacity()).isNull();
    }

    HttpResponse<String> raw(String target, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint()).header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (target != null) {
                b.header("X-Amz-Target", target);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    @Doc("API Reference: Common Errors - SerializationException for a body that is not JSON (HTTP 400)")
    void malformedJson() throws Exception {
        var r = raw("DynamoDB_20120810.GetItem", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("SerializationException");
    }

    @Test
    @Doc("API Reference: Common Errors - UnknownOperationException for an operation DynamoDB does not have")
    void unknownOperation() throws Exception {
        var r = raw("DynamoDB_20120810.FlyToTheMoon", "{}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("UnknownOperationException");
        assertThat(raw(null, "{}").body()).contains("UnknownOperationException");
    }

    @Test
    @Doc("Developer Guide: Error handling with DynamoDB - answers are application/x-amz-json-1.0 with an x-amz-crc32 of the body")
    void crc32Header() throws Exception {
        var r = raw("DynamoDB_20120810.ListTables", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("application/x-amz-json-1.0");
        CRC32 crc = new CRC32();
        crc.update(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.headers().firstValue("x-amz-crc32")).contains(Long.toString(crc.getValue()));
    }

    @Test
    @Doc("Developer Guide: Legacy conditional parameters - refused by this engine with a ValidationException naming the parameter")
    void legacyParametersAreRefused() {
        String t = table();
        invalid(() -> ddb.putItem(r -> r.tableName(t).item(item("PK", "a", "SK", "1"))
                .expected(Map.of("PK", software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue.builder().exists(false).build()))),
                "Expected");
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(key("a", "1")).attributesToGet("PK")), "AttributesToGet");
    }

    @Test
    @Doc("API Reference: UpdateTable - not supported by this engine: refused with a ValidationException naming the operation")
    void unsupportedOperationsAreRefused() {
        String t = table();
        invalid(() -> ddb.updateTable(r -> r.tableName(t).billingMode("PAY_PER_REQUEST")), "UpdateTable");
        invalid(() -> ddb.executeStatement(r -> r.statement("SELECT * FROM x")), "ExecuteStatement");
    }

    @Test
    @Doc("API Reference: Common Errors - ProvisionedThroughputExceededException (HTTP 400) through the DynamoDbThrottle front")
    void throttlingFrontStillWorks() {
        String t = table();
        try (DynamoDbThrottle front = DynamoDbThrottle.start(server.endpoint()); DynamoDbClient c = client(front.endpoint())) {
            c.putItem(r -> r.tableName(t).item(item("PK", "a", "SK", "1")));
            front.throttleWrites(1.0);
            assertThatThrownBy(() -> c.putItem(r -> r.tableName(t).item(item("PK", "b", "SK", "1"))))
                    .isInstanceOfAny(ProvisionedThroughputExceededException.class, software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class)
                    .satisfies(e -> assertThat(((software.amazon.awssdk.services.dynamodb.model.DynamoDbException) e).isThrottlingException()).isTrue());
            assertThat(get(t, "b", "1")).isNull();
            assertThat(c.getItem(r -> r.tableName(t).key(key("a", "1"))).hasItem()).isTrue();
        }
    }

    @Test
    @Doc("API Reference: BatchWriteItem - a request over 16 MB is refused")
    void oversizedRequestIsRefused() throws Exception {
        String huge = "{\"RequestItems\":{\"x\":[]},\"pad\":\"" + "x".repeat(16 * 1024 * 1024 + 10) + "\"}";
        var r = raw("DynamoDB_20120810.BatchWriteItem", huge);
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    @Doc("API Reference: Common Errors - every conformance case cites the documentation it follows")
    void everyCaseCitesItsSource() throws Exception {
        for (Class<?> c : List.of(ItemModelConformanceTest.class, ConditionConformanceTest.class, UpdateConformanceTest.class,
                QueryScanConformanceTest.class, IndexConformanceTest.class, TransactionBatchConformanceTest.class, TableConformanceTest.class,
                CapacityProtocolConformanceTest.class, ConcurrencyDurabilityTest.class)) {
            for (var m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class)) {
                    assertThat(m.getAnnotation(Doc.class)).as(c.getSimpleName() + "." + m.getName()).isNotNull();
                    assertThat(m.getAnnotation(Doc.class).value()).matches("(API Reference|Developer Guide): .+");
                }
            }
        }
        assertThat(URI.create("https://docs.aws.amazon.com/amazondynamodb/latest/")).isNotNull();
    }
}
