package io.wabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wabridge.localaws.dynamodb.DynamoDbEngine;
import io.wabridge.localaws.dynamodb.DynamoDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The local DynamoDB engine's speed, over HTTP from the real SDK client (url-connection-client, as the functions),
 * on the persistent store (MVStore file, committed before each answer) unless {@code --store memory}:
 * conditional PutItem/s from 8 threads, two-item TransactWriteItems/s from 8 threads, and Query latency (p50/p99,
 * one thread, a page of 20) on a set of {@code --items} items in partitions of 100.
 */
final class DynamoDbBench {

    /** Calls made before a rate is measured (see {@link #rate}). */
    private static final int WARM_UP_CALLS = 5000;

    private DynamoDbBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int seconds = Integer.parseInt(flags.getOrDefault("seconds", "10"));
        int threads = Integer.parseInt(flags.getOrDefault("threads", "8"));
        int items = Integer.parseInt(flags.getOrDefault("items", "1000000"));
        boolean memory = flags.getOrDefault("store", "file").equals("memory");
        // The JDK's HTTP keep-alive cache holds 5 connections per host by default; the threads each want one.
        System.setProperty("http.maxConnections", Integer.toString(Math.max(5, threads * 2)));
        Path data = Files.createTempDirectory("wabridge-dynamodb-bench");
        try (DynamoDbEngine engine = memory ? DynamoDbEngine.inMemory() : DynamoDbEngine.open(data.resolve("dynamodb"));
             DynamoDbServer server = DynamoDbServer.start(engine, 0);
             DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            ddb.createTable(r -> r.tableName("bench").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("SK").attributeType("S"),
                            a -> a.attributeName("GSI1PK").attributeType("S"), a -> a.attributeName("GSI1SK").attributeType("S"))
                    .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("SK").keyType("RANGE"))
                    .globalSecondaryIndexes(g -> g.indexName("GSI1").projection(p -> p.projectionType("ALL"))
                            .keySchema(k -> k.attributeName("GSI1PK").keyType("HASH"), k -> k.attributeName("GSI1SK").keyType("RANGE"))));
            System.out.printf("local DynamoDB engine, %s store, %d threads, %d s per phase%n", memory ? "in-memory" : "MVStore file", threads, seconds);

            AtomicLong seq = new AtomicLong();
            Rate puts = rate(threads, seconds, () -> {
                String id = Long.toString(seq.incrementAndGet());
                ddb.putItem(r -> r.tableName("bench").item(Map.of("PK", s("put#" + id), "SK", s("m"), "body", s("x".repeat(200)),
                        "n", AttributeValue.fromN(id))).conditionExpression("attribute_not_exists(PK)"));
            });
            System.out.printf("conditional PutItem: %s%n", puts);

            Rate tx = rate(threads, seconds, () -> {
                String id = Long.toString(seq.incrementAndGet());
                ddb.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().put(p -> p.tableName("bench").item(Map.of("PK", s("tx#" + id), "SK", s("a"), "v", s(id)))
                                .conditionExpression("attribute_not_exists(PK)")).build(),
                        TransactWriteItem.builder().update(u -> u.tableName("bench").key(Map.of("PK", s("counter#" + (Long.parseLong(id) % 64)), "SK", s("c")))
                                .updateExpression("ADD #n :one").expressionAttributeNames(Map.of("#n", "n"))
                                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build()));
            });
            System.out.printf("two-item TransactWriteItems: %s%n", tx);

            int partitions = Math.max(1, items / 100);
            long loadStart = System.nanoTime();
            load(engine, partitions);
            System.out.printf("loaded %d items in %d partitions in %.0f s (BatchWriteItem, in-process)%n", partitions * 100L, partitions,
                    (System.nanoTime() - loadStart) / 1e9);
            long[] q = ApiLimitBench.time(5000, () -> {
                String p = "part#" + ThreadLocalRandom.current().nextInt(partitions);
                var r = ddb.query(x -> x.tableName("bench").keyConditionExpression("PK = :p AND begins_with(SK, :m)").limit(20)
                        .expressionAttributeValues(Map.of(":p", s(p), ":m", s("msg#"))));
                if (r.count() != 20) {
                    throw new IllegalStateException("expected a page of 20, got " + r.count());
                }
            });
            System.out.printf("Query (page of 20, %d items): p50 %.2f ms, p99 %.2f ms over 5000 calls%n", partitions * 100L,
                    ApiLimitBench.ms(q, 0.50), ApiLimitBench.ms(q, 0.99));
            if (!memory) {
                System.out.printf("store file: %.0f MB%n", Files.size(data.resolve("dynamodb").resolve("dynamodb.mv.db")) / 1e6);
            }
        } finally {
            try (var walk = Files.walk(data)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    /**
     * Calls per second, and the JVM's CPU time per call (client and server together, so a figure that other work on a
     * shared machine does not change much) with the machine's load average.
     */
    private record Rate(double perSecond, double cpuMsPerCall, double load) {
        @Override
        public String toString() {
            return String.format("%.0f/s (%.3f ms of CPU per call, client and server; load average %.1f)", perSecond, cpuMsPerCall, load);
        }
    }

    /**
     * Calls per second from {@code threads} threads over {@code seconds}, after a warm-up of at least 2 s and
     * {@link #WARM_UP_CALLS} calls (at most a minute): on the shared machine two seconds were spent mostly compiling
     * the SDK's and the engine's code, which the figure is not about.
     */
    private static Rate rate(int threads, int seconds, Runnable call) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        call.run();
                        done.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        long warmUntil = System.nanoTime() + 60_000_000_000L;
        Thread.sleep(2000);
        while (done.get() < WARM_UP_CALLS && System.nanoTime() < warmUntil) {
            Thread.sleep(100);
        }
        long calls = done.get();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        calls = done.get() - calls;
        cpu = os.getProcessCpuTime() - cpu;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : all) {
            t.join();
        }
        if (failed.get() > 0) {
            System.out.printf("  (%d calls failed)%n", failed.get());
        }
        return new Rate(calls / elapsed, cpu / 1e6 / Math.max(1, calls), os.getSystemLoadAverage());
    }

    /** Fills partitions part#0.. with 100 items each (msg#000..msg#099), through the engine's BatchWriteItem. */
    private static void load(DynamoDbEngine engine, int partitions) {
        ObjectMapper json = new ObjectMapper();
        for (int p = 0; p < partitions; p++) {
            for (int batch = 0; batch < 4; batch++) {
                ObjectNode request = json.createObjectNode();
                ArrayNode writes = request.putObject("RequestItems").putArray("bench");
                for (int i = batch * 25; i < batch * 25 + 25; i++) {
                    ObjectNode item = writes.addObject().putObject("PutRequest").putObject("Item");
                    item.putObject("PK").put("S", "part#" + p);
                    item.putObject("SK").put("S", String.format("msg#%03d", i));
                    item.putObject("body").put("S", "message body of about a hundred bytes, as the inbound store keeps them: text and ids");
                    item.putObject("at").put("N", Long.toString(1_700_000_000L + i));
                }
                engine.handle("BatchWriteItem", request);
            }
        }
    }
}
