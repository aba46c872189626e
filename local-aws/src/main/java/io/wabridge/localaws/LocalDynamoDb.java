package io.wabridge.localaws;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * AWS's own DynamoDB Local, in this JVM, keeping its data in {@code dir} (or in memory when dir is null), on the
 * loopback interface only. Its {@code ServerRunner} binds every interface and accepts any credentials, so the runtime
 * builds the same request handler into a Jetty server of its own, bound to 127.0.0.1 (telemetry stays off: it is
 * never configured).
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final int port;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, int port) {
        this.server = server;
        this.handler = handler;
        this.port = port;
    }

    public static LocalDynamoDb start(Path dir, int requestedPort) throws Exception {
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Ports.PortStarter<LocalDynamoDb> starter = port -> {
            // As ServerRunner builds it for -sharedDb (no transient-status delay), without its bind-all connector.
            LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
                    new LocalDynamoDBRequestHandler(0, dir == null, dir == null ? null : dir.toString(), true, false), null);
            Server server = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            ContextHandler context = new ContextHandler();
            context.setHandler(handler);
            server.setHandler(context);
            try {
                server.start();
            } catch (Exception e) {
                server.stop();
                handler.close();
                throw e;
            }
            return new LocalDynamoDb(server, handler, port);
        };
        return requestedPort > 0 ? starter.start(requestedPort) : Ports.withFreePort(starter);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        handler.close();
    }
}
