package io.wabridge.localaws;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** AWS's own DynamoDB Local, in this JVM, keeping its data in {@code dir} (or in memory when dir is null). */
public final class LocalDynamoDb implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final int port;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LocalDynamoDb start(Path dir, int requestedPort) throws Exception {
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Ports.PortStarter<LocalDynamoDb> starter = port -> {
            String[] storage = dir == null ? new String[] {"-inMemory"} : new String[] {"-dbPath", dir.toString()};
            String[] args = concat(storage, new String[] {"-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args);
            server.start();
            return new LocalDynamoDb(server, port);
        };
        return requestedPort > 0 ? starter.start(requestedPort) : Ports.withFreePort(starter);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
