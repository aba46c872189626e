package io.wabridge.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A loopback server for AWS services that use the JSON 1.1 protocol ({@code X-Amz-Target: Service.Operation}).
 * Each {@link Service} answers the targets with its prefix; errors use AWS's {@code __type} shape so the
 * SDK raises the same typed exceptions as against AWS.
 */
public final class AwsJsonServer implements AutoCloseable {

    /** One AWS service's operations. */
    public interface Service {
        /** e.g. {@code secretsmanager.} or {@code TrentService.} */
        String targetPrefix();

        JsonNode handle(String operation, JsonNode request);
    }

    /** An AWS error answer. */
    public static final class AwsError extends RuntimeException {
        final int status;
        final String type;

        public AwsError(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Service> services;

    private AwsJsonServer(HttpServer server, List<Service> services) {
        this.server = server;
        this.services = services;
    }

    public static AwsJsonServer start(List<Service> services, int requestedPort) throws Exception {
        Ports.PortStarter<AwsJsonServer> starter = port -> {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            AwsJsonServer server = new AwsJsonServer(http, List.copyOf(services));
            http.createContext("/", server::handle);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            return server;
        };
        return requestedPort > 0 ? starter.start(requestedPort) : Ports.withFreePort(starter);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            int status = 200;
            Object answer;
            try {
                Service service = services.stream().filter(s -> target != null && target.startsWith(s.targetPrefix()))
                        .findFirst().orElseThrow(() -> new AwsError(400, "UnknownOperationException",
                                "unknown target " + target));
                JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                answer = service.handle(target.substring(service.targetPrefix().length()), request);
            } catch (AwsError e) {
                status = e.status;
                answer = e.getMessage() == null ? Map.of("__type", e.type) : Map.of("__type", e.type, "message", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                answer = Map.of("__type", "InternalFailure", "message", String.valueOf(e.getMessage()));
            }
            byte[] out = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
