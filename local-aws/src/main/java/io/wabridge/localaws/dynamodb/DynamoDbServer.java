package io.wabridge.localaws.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * DynamoDB's wire protocol over loopback HTTP (API Reference, "DynamoDB low-level API"): a POST with
 * {@code X-Amz-Target: DynamoDB_20120810.Operation} and an {@code application/x-amz-json-1.0} body; answers carry
 * {@code x-amz-crc32} as DynamoDB's do, errors a {@code __type} and a message with DynamoDB's HTTP status.
 * Signatures are not checked (any credentials work): a loopback part for the local runtime and tests.
 */
public final class DynamoDbServer implements AutoCloseable {

    static final String TARGET_PREFIX = "DynamoDB_20120810.";
    /** DynamoDB's request size limit (API Reference, "BatchWriteItem": 16 MB). */
    static final int MAX_REQUEST = 16 * 1024 * 1024;

    private final HttpServer http;
    private final DynamoDbEngine engine;
    private final ExecutorService executor;
    /** Request ids: unique per server and cheap (a random UUID per answer contends on the shared SecureRandom). */
    private final String requestIds = UUID.randomUUID() + "-";
    private final AtomicLong requests = new AtomicLong();

    private DynamoDbServer(HttpServer http, DynamoDbEngine engine, ExecutorService executor) {
        this.http = http;
        this.engine = engine;
        this.executor = executor;
    }

    /** Serves {@code engine} on {@code port} (0: a free one) of the loopback address. */
    public static DynamoDbServer start(DynamoDbEngine engine, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        DynamoDbServer server = new DynamoDbServer(http, engine, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    public DynamoDbEngine engine() {
        return engine;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            int status = 200;
            ObjectNode answer;
            try {
                answer = answer(exchange, in);
            } catch (DynamoDbError e) {
                status = e.status;
                answer = DynamoDbEngine.JSON.createObjectNode();
                answer.put("__type", e.type);
                if (e.getMessage() != null) {
                    answer.put("message", e.getMessage());
                }
                if (e.extra != null) {
                    answer.setAll(e.extra);
                }
            } catch (RuntimeException e) {
                status = 500;
                answer = DynamoDbEngine.JSON.createObjectNode();
                answer.put("__type", DynamoDbError.PREFIX + "InternalServerError");
                answer.put("message", "Internal server error: " + e);
            }
            byte[] out = DynamoDbEngine.JSON.writeValueAsBytes(answer);
            CRC32 crc = new CRC32();
            crc.update(out);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestIds + Long.toString(requests.incrementAndGet()));
            exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    private ObjectNode answer(HttpExchange exchange, InputStream in) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new DynamoDbError(400, "com.amazon.coral.service#UnknownOperationException", null, null);
        }
        byte[] body = in.readNBytes(MAX_REQUEST + 1);
        if (body.length > MAX_REQUEST) {
            throw new DynamoDbError(413, "com.amazon.coral.service#RequestEntityTooLargeException",
                    "Request size exceeded 16777216 bytes", null);
        }
        JsonNode request;
        try {
            request = body.length == 0 ? DynamoDbEngine.JSON.createObjectNode() : DynamoDbEngine.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw DynamoDbError.serialization("Malformed JSON in the request body");
        }
        return engine.handle(target.substring(TARGET_PREFIX.length()), request);
    }

    /** Stops serving; the engine stays open (its owner closes it). */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
