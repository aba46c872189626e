package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Serialisable conditional writes and atomic transactions under concurrent clients; persistence, kill -9, the lock file. */
class ConcurrencyDurabilityTest extends EngineTest {

    @Test
    @Doc("Developer Guide: Working with items - Conditional writes (optimistic locking: no lost update among concurrent writers)")
    void concurrentConditionalWritesLoseNothing() throws Exception {
        String t = table();
        put(t, item("PK", "c", "SK", "1", "v", 0));
        AtomicInteger won = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> all = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            all.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String v = get(t, "c", "1").get("v").n();
                    try {
                        ddb.updateItem(u -> u.tableName(t).key(key("c", "1")).updateExpression("SET v = :next").conditionExpression("v = :seen")
                                .expressionAttributeValues(item(":next", n(Integer.toString(Integer.parseInt(v) + 1)), ":seen", n(v))));
                        won.incrementAndGet();
                    } catch (ConditionalCheckFailedException lost) {
                        // another writer got there first
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(get(t, "c", "1").get("v").n()).isEqualTo(Integer.toString(won.get()));
        assertThat(won.get()).isPositive();
    }

    @Test
    @Doc("Developer Guide: Amazon DynamoDB Transactions: How it works - isolation (transfers keep the total; readers never see half)")
    void transactionsAreAtomicUnderConcurrency() throws Exception {
        String t = table();
        put(t, item("PK", "x", "SK", "1", "v", 1000));
        put(t, item("PK", "y", "SK", "1", "v", 1000));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> all = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            all.add(pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    try {
                        ddb.transactWriteItems(r -> r.transactItems(
                                TransactWriteItem.builder().update(u -> u.tableName(t).key(key("x", "1")).updateExpression("SET v = v - :one")
                                        .conditionExpression("v > :zero").expressionAttributeValues(item(":one", 1, ":zero", 0))).build(),
                                TransactWriteItem.builder().update(u -> u.tableName(t).key(key("y", "1")).updateExpression("SET v = v + :one")
                                        .expressionAttributeValues(item(":one", 1))).build()));
                    } catch (TransactionCanceledException ignored) {
                        // not expected with these amounts; the sum check still holds
                    }
                }
                return 0;
            }));
        }
        for (int r = 0; r < 2; r++) {
            all.add(pool.submit(() -> {
                int bad = 0;
                for (int i = 0; i < 60; i++) {
                    var got = ddb.transactGetItems(g -> g.transactItems(x -> x.get(k -> k.tableName(t).key(key("x", "1"))),
                            x -> x.get(k -> k.tableName(t).key(key("y", "1")))));
                    int sum = Integer.parseInt(got.responses().get(0).item().get("v").n()) + Integer.parseInt(got.responses().get(1).item().get("v").n());
                    bad += sum == 2000 ? 0 : 1;
                }
                return bad;
            }));
        }
        int bad = 0;
        for (Future<Integer> f : all) {
            bad += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(bad).isZero();
        assertThat(get(t, "x", "1").get("v").n()).isEqualTo("840");
        assertThat(get(t, "y", "1").get("v").n()).isEqualTo("1160");
    }

    @Test
    @Doc("Developer Guide: Core components - tables persist (the data folder keeps tables, indexes, TTL settings and items across restarts)")
    void dataSurvivesARestart(@TempDir Path dir) throws Exception {
        try (DynamoDbEngine e = DynamoDbEngine.open(dir); DynamoDbServer s = DynamoDbServer.start(e, 0); DynamoDbClient c = client(s.endpoint())) {
            c.createTable(r -> r.tableName("keep").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("G").attributeType("S"))
                    .keySchema(k -> k.attributeName("PK").keyType("HASH"))
                    .globalSecondaryIndexes(g -> g.indexName("byG").keySchema(k -> k.attributeName("G").keyType("HASH")).projection(p -> p.projectionType("ALL"))));
            c.updateTimeToLive(r -> r.tableName("keep").timeToLiveSpecification(x -> x.attributeName("exp").enabled(true)));
            c.putItem(r -> r.tableName("keep").item(item("PK", "a", "G", "g", "n", 1)));
            c.putItem(r -> r.tableName("keep").item(item("PK", "b", "n", 2)));
            c.deleteItem(r -> r.tableName("keep").key(item("PK", "b")));
        }
        try (DynamoDbEngine e = DynamoDbEngine.open(dir); DynamoDbServer s = DynamoDbServer.start(e, 0); DynamoDbClient c = client(s.endpoint())) {
            assertThat(c.getItem(r -> r.tableName("keep").key(item("PK", "a"))).item().get("n").n()).isEqualTo("1");
            assertThat(c.getItem(r -> r.tableName("keep").key(item("PK", "b"))).hasItem()).isFalse();
            assertThat(c.query(q -> q.tableName("keep").indexName("byG").keyConditionExpression("G = :g")
                    .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("g")))).count()).isEqualTo(1);
            assertThat(c.describeTimeToLive(r -> r.tableName("keep")).timeToLiveDescription().attributeName()).isEqualTo("exp");
        }
    }

    @Test
    @Doc("Developer Guide: Amazon DynamoDB Transactions: How it works - atomicity and durability (kill -9 of the process mid-load loses no acknowledged transaction, leaves no half)")
    void killNineLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        Process child = java("write", dir);
        java.util.Set<Integer> acked = new java.util.HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() >= 400) {
                        break;
                    }
                }
            }
            // kill -9: no shutdown hook, no close; whatever was not committed is lost.
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acked).as("the child acknowledged transactions").hasSizeGreaterThanOrEqualTo(400);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the killed process left its write-ahead log to replay")
                    .anyMatch(n -> n.startsWith("dynamodb-log-"));
        }
        try (DynamoDbEngine e = DynamoDbEngine.open(dir)) {
            Table d = tableOf(e, "durable");
            for (int i : acked) {
                assertThat(d.get(Map.of("PK", new Av.S("a" + i)))).as("acknowledged a" + i).isNotNull();
                assertThat(d.get(Map.of("PK", new Av.S("b" + i)))).as("acknowledged b" + i).isNotNull();
            }
            long a = d.store.partitions.keySet().stream().filter(k -> ((Av.S) k).v().startsWith("a")).count();
            long b = d.store.partitions.keySet().stream().filter(k -> ((Av.S) k).v().startsWith("b")).count();
            assertThat(a).as("no half transaction").isEqualTo(b);
        }
    }

    @Test
    @Doc("Developer Guide: Amazon DynamoDB Transactions: How it works - atomicity and durability (a write cut short by a crash was never acknowledged: it is dropped, the writes before it kept; a deleted table's items do not come back)")
    void aTornLogRecordIsDroppedAndADeletedTableStaysEmpty(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        try (Storage s = Storage.open(live)) {
            s.putTable("t", "{}");
            s.commit();
            s.putItem("t", "k1", bytes("old"));
            s.putItem("t", "k2", bytes("old"));
            s.commit();
            s.removeTable("t");
            s.putTable("t", "{}");
            s.commit();
            s.putItem("t", "k3", bytes("v3"));
            s.commit();
            s.putItem("t", "k4", bytes("v4"));
            s.removeItem("t", "k3");
            s.commit();
            s.putItem("t", "k3", bytes("v3 again"));
            s.commit();
            // The folder as a kill -9 leaves it now, with the last record's write cut short.
            Files.createDirectories(crashed);
            List<Path> logs = new ArrayList<>();
            try (var files = Files.list(live)) {
                for (Path f : files.toList()) {
                    Files.copy(f, crashed.resolve(f.getFileName()));
                    if (f.getFileName().toString().startsWith("dynamodb-log-")) {
                        logs.add(crashed.resolve(f.getFileName()));
                    }
                }
            }
            assertThat(logs).hasSize(1);
            byte[] log = Files.readAllBytes(logs.get(0));
            Files.write(logs.get(0), java.util.Arrays.copyOf(log, log.length - 3));
        }
        Map<String, String> items = new java.util.TreeMap<>();
        try (Storage s = Storage.open(crashed)) {
            s.items("t", (k, v) -> items.put(k, new String(v, StandardCharsets.UTF_8)));
        }
        assertThat(items).containsExactly(Map.entry("k4", "v4"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Doc("Developer Guide: Core components - one data folder, one runtime (a second process on the same folder is refused with a clear message)")
    void aSecondProcessIsRefused(@TempDir Path dir) throws Exception {
        try (DynamoDbEngine held = DynamoDbEngine.open(dir)) {
            Process probe = java("probe", dir);
            String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            probe.waitFor(30, TimeUnit.SECONDS);
            assertThat(said).contains("refused: The DynamoDB data folder").contains("is in use by another process");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DynamoDbEngine.open(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
        Process probe = java("probe", dir);
        assertThat(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("opened");
        probe.waitFor(30, TimeUnit.SECONDS);
    }

    private static Table tableOf(DynamoDbEngine e, String name) throws Exception {
        var f = DynamoDbEngine.class.getDeclaredField("tables");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Table> tables = (Map<String, Table>) f.get(e);
        return tables.get(name);
    }

    private static Process java(String mode, Path dir) throws Exception {
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), mode, dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
