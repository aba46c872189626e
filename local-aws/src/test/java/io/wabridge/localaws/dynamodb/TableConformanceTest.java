package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTimeToLive, DescribeTimeToLive and TTL expiry. */
class TableConformanceTest extends EngineTest {

    @Test
    @Doc("API Reference: CreateTable and DescribeTable - ACTIVE, key schema and indexes described")
    void createAndDescribe() {
        String t = table();
        var d = ddb.describeTable(r -> r.tableName(t)).table();
        assertThat(d.tableStatusAsString()).isEqualTo("ACTIVE");
        assertThat(d.keySchema()).hasSize(2);
        assertThat(d.globalSecondaryIndexes()).extracting(g -> g.indexName()).containsExactly("GSI1");
        assertThat(d.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
    }

    @Test
    @Doc("API Reference: CreateTable - an existing name is ResourceInUseException")
    void createTwice() {
        String t = table();
        fails(() -> ddb.createTable(r -> r.tableName(t).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S")).keySchema(k -> k.attributeName("PK").keyType("HASH"))),
                "ResourceInUseException", "Table already exists");
    }

    @Test
    @Doc("API Reference: CreateTable - AttributeDefinitions must match the key attributes exactly")
    void unusedAttributeDefinitionIsRefused() {
        invalid(() -> ddb.createTable(r -> r.tableName("x-" + UUID.randomUUID()).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("extra").attributeType("S"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"))), "Number of attributes in KeySchema does not exactly match");
    }

    @Test
    @Doc("API Reference: CreateTable - a key attribute missing from AttributeDefinitions is refused")
    void undefinedKeyAttributeIsRefused() {
        invalid(() -> ddb.createTable(r -> r.tableName("x-" + UUID.randomUUID()).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"))
                .keySchema(k -> k.attributeName("ID").keyType("HASH"))), "Some index key attributes are not defined");
    }

    @Test
    @Doc("API Reference: CreateTable - PROVISIONED needs ProvisionedThroughput")
    void provisionedNeedsThroughput() {
        invalid(() -> ddb.createTable(r -> r.tableName("x-" + UUID.randomUUID()).billingMode("PROVISIONED")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"))), "ReadCapacityUnits and WriteCapacityUnits must both be specified");
    }

    @Test
    @Doc("API Reference: CreateTable - table names are 3 to 255 of a-z A-Z 0-9 _ - .")
    void badTableNameIsRefused() {
        invalid(() -> ddb.describeTable(r -> r.tableName("a b c")), "Member must satisfy regular expression pattern");
    }

    @Test
    @Doc("API Reference: CreateTable - LocalSecondaryIndexes are not supported by this engine (refused, naming the feature)")
    void localSecondaryIndexesAreRefused() {
        invalid(() -> ddb.createTable(r -> r.tableName("x-" + UUID.randomUUID()).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("SK").attributeType("S"),
                        a -> a.attributeName("L").attributeType("S"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("SK").keyType("RANGE"))
                .localSecondaryIndexes(l -> l.indexName("lsi").keySchema(k -> k.attributeName("PK").keyType("HASH"),
                        k -> k.attributeName("L").keyType("RANGE")).projection(p -> p.projectionType("ALL")))), "local secondary indexes");
    }

    @Test
    @Doc("API Reference: DeleteTable - the table and its items are gone")
    void deleteTable() {
        String t = table();
        put(t, item("PK", "a", "SK", "1"));
        ddb.deleteTable(r -> r.tableName(t));
        fails(() -> ddb.describeTable(r -> r.tableName(t)), "ResourceNotFoundException", "not found");
        fails(() -> ddb.deleteTable(r -> r.tableName(t)), "ResourceNotFoundException", "not found");
    }

    @Test
    @Doc("API Reference: ListTables - names in order, paged with Limit and LastEvaluatedTableName")
    void listTables() {
        for (int i = 0; i < 3; i++) {
            table();
        }
        var first = ddb.listTables(r -> r.limit(2));
        assertThat(first.tableNames()).hasSize(2).isSorted();
        var next = ddb.listTables(r -> r.exclusiveStartTableName(first.lastEvaluatedTableName()));
        assertThat(next.tableNames()).doesNotContainAnyElementsOf(first.tableNames());
    }

    @Test
    @Doc("API Reference: UpdateTimeToLive and DescribeTimeToLive")
    void timeToLiveSettings() {
        String t = table();
        assertThat(ddb.describeTimeToLive(r -> r.tableName(t)).timeToLiveDescription().timeToLiveStatus()).isEqualTo(TimeToLiveStatus.DISABLED);
        ddb.updateTimeToLive(r -> r.tableName(t).timeToLiveSpecification(s -> s.attributeName("expiresAt").enabled(true)));
        var d = ddb.describeTimeToLive(r -> r.tableName(t)).timeToLiveDescription();
        assertThat(d.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(d.attributeName()).isEqualTo("expiresAt");
        invalid(() -> ddb.updateTimeToLive(r -> r.tableName(t).timeToLiveSpecification(s -> s.attributeName("expiresAt").enabled(true))),
                "TimeToLive is already enabled");
    }

    @Test
    @Doc("Developer Guide: Using time to live (TTL) - expired items (epoch seconds in the past) are deleted in the background; others stay")
    void expiredItemsAreDeleted() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (DynamoDbEngine e = DynamoDbEngine.open(null, clock, Duration.ofMillis(50)); DynamoDbServer s = DynamoDbServer.start(e, 0);
             DynamoDbClient c = client(s.endpoint())) {
            c.createTable(r -> r.tableName("ttl").billingMode("PAY_PER_REQUEST").attributeDefinitions(a -> a.attributeName("PK").attributeType("S"))
                    .keySchema(k -> k.attributeName("PK").keyType("HASH")));
            c.updateTimeToLive(r -> r.tableName("ttl").timeToLiveSpecification(x -> x.attributeName("exp").enabled(true)));
            long now = clock.instant().getEpochSecond();
            c.putItem(r -> r.tableName("ttl").item(item("PK", "old", "exp", now - 1)));
            c.putItem(r -> r.tableName("ttl").item(item("PK", "new", "exp", now + 3600)));
            c.putItem(r -> r.tableName("ttl").item(item("PK", "text", "exp", "1")));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (c.getItem(r -> r.tableName("ttl").key(item("PK", "old"))).hasItem() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.getItem(r -> r.tableName("ttl").key(item("PK", "old"))).hasItem()).isFalse();
            assertThat(c.getItem(r -> r.tableName("ttl").key(item("PK", "new"))).hasItem()).isTrue();
            assertThat(c.getItem(r -> r.tableName("ttl").key(item("PK", "text"))).hasItem()).isTrue();
        }
    }

    @Test
    @Doc("API Reference: DescribeTable - ItemCount reflects the items")
    void itemCount() {
        String t = table();
        put(t, item("PK", "a", "SK", "1"));
        put(t, item("PK", "b", "SK", "1"));
        assertThat(ddb.describeTable(r -> r.tableName(t)).table().itemCount()).isEqualTo(2);
    }
}
