package io.wabridge.localaws.dynamodb;

import java.nio.file.Path;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Run in a child JVM by {@link ConcurrencyDurabilityTest}: {@code write DIR} serves an engine on DIR and writes
 * two-item transactions through the SDK from four threads, printing {@code ack N} after each acknowledged one, until killed;
 * {@code probe DIR} tries to open DIR and prints what happened.
 */
public final class DurabilityChild {
    private DurabilityChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("probe")) {
            try (DynamoDbEngine e = DynamoDbEngine.open(dir)) {
                System.out.println("opened");
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
            return;
        }
        try {
            write(dir);
        } catch (Throwable e) {
            // An error ends the child (the HTTP server's thread would keep it alive).
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void write(Path dir) throws Exception {
        // A 4 KB checkpoint size: the log rotates and the MVStore is committed in the background every few dozen
        // transactions, so the kill also lands while a checkpoint is running.
        DynamoDbEngine engine = DynamoDbEngine.over(Storage.open(dir, 4096));
        DynamoDbServer server = DynamoDbServer.start(engine, 0);
        DynamoDbClient c = EngineTest.client(server.endpoint());
        try {
            c.createTable(r -> r.tableName("durable").billingMode("PAY_PER_REQUEST").attributeDefinitions(a -> a.attributeName("PK").attributeType("S"))
                    .keySchema(k -> k.attributeName("PK").keyType("HASH")));
        } catch (ResourceInUseException exists) {
            // a restart
        }
        System.out.println("ready");
        // Four writers at once, so their log records interleave.
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> writers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) {
            writers.add(Thread.ofPlatform().start(() -> {
                while (true) {
                    String n = Integer.toString(next.getAndIncrement());
                    c.transactWriteItems(r -> r.transactItems(
                            TransactWriteItem.builder().put(p -> p.tableName("durable").item(EngineTest.item("PK", "a" + n, "i", n))).build(),
                            TransactWriteItem.builder().put(p -> p.tableName("durable").item(EngineTest.item("PK", "b" + n, "i", n))).build()));
                    System.out.println("ack " + n);
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
    }
}
