package io.wabridge.localaws;

import io.wabridge.localaws.dynamodb.DynamoDbEngine;
import io.wabridge.localaws.dynamodb.DynamoDbServer;
import java.net.URI;
import java.nio.file.Path;

/**
 * The local DynamoDB: this project's engine ({@link DynamoDbEngine}, open source, on H2's MVStore) behind DynamoDB's
 * JSON protocol, in this JVM, keeping its data in {@code dir} (or in memory when dir is null).
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final DynamoDbEngine engine;
    private final DynamoDbServer server;

    private LocalDynamoDb(DynamoDbEngine engine, DynamoDbServer server) {
        this.engine = engine;
        this.server = server;
    }

    /** @throws IllegalStateException if another process has {@code dir} open (its lock file is held) */
    public static LocalDynamoDb start(Path dir, int requestedPort) throws Exception {
        DynamoDbEngine engine = dir == null ? DynamoDbEngine.inMemory() : DynamoDbEngine.open(dir);
        try {
            // Port 0: the system picks a free one as it binds (no race).
            return new LocalDynamoDb(engine, DynamoDbServer.start(engine, Math.max(0, requestedPort)));
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
    }

    public URI endpoint() {
        return server.endpoint();
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
