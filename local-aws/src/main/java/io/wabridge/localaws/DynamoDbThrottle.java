package io.wabridge.localaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback front for the local DynamoDB that answers a share of write calls as DynamoDB does when a table or
 * partition is over its throughput: HTTP 400 with {@code ProvisionedThroughputExceededException} or
 * {@code ThrottlingException}, so the AWS SDK's throttling retry (backoff, retry quota) runs for real. Every
 * other call, and every write not picked, goes through unchanged. The share is 0 until {@link #throttleWrites}
 * sets it; the soak benchmark points the functions' {@code AWS_ENDPOINT_URL_DYNAMODB} here.
 */
public final class DynamoDbThrottle implements AutoCloseable {

    /** The write operations DynamoDB throttles on write capacity. */
    static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");
    /** Hop-by-hop or recomputed headers: not copied between the two legs. */
    private static final Set<String> SKIPPED = Set.of("content-length", "transfer-encoding", "connection", "host", "expect",
            "keep-alive", "upgrade", "date");

    private final HttpServer server;
    private final URI target;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile double share;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    private DynamoDbThrottle(HttpServer server, URI target) {
        this.server = server;
        this.target = target;
    }

    /** Starts a front for {@code target} (the local DynamoDB's endpoint) on a free loopback port. */
    public static DynamoDbThrottle start(URI target) {
        return Ports.withFreePort(port -> {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            DynamoDbThrottle front = new DynamoDbThrottle(http, target);
            http.createContext("/", front::handle);
            http.setExecutor(front.executor);
            http.start();
            return front;
        });
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, this share (0..1) of write calls is throttled. */
    public void throttleWrites(double share) {
        this.share = Math.max(0, Math.min(1, share));
    }

    /** Write calls seen. */
    public long writes() {
        return writes.get();
    }

    /** Write calls answered with a throttling error. */
    public long throttled() {
        return throttled.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget == null ? "" : amzTarget.substring(amzTarget.indexOf('.') + 1);
            if (WRITES.contains(operation)) {
                writes.incrementAndGet();
                double s = share;
                if (s > 0 && ThreadLocalRandom.current().nextDouble() < s) {
                    throttled.incrementAndGet();
                    reject(exchange, operation);
                    return;
                }
            }
            forward(exchange, body);
        }
    }

    /** DynamoDB's own answers: on-demand tables mostly say ThrottlingException, provisioned ones the other. */
    private static void reject(HttpExchange exchange, String operation) throws IOException {
        boolean provisioned = ThreadLocalRandom.current().nextBoolean();
        String json = provisioned
                ? "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\",\"message\":\"The level of "
                        + "configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with "
                        + "the UpdateTable API.\"}"
                : "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Throughput exceeds the current "
                        + "capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again "
                        + "shortly. (" + operation + ")\"}";
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(400, out.length);
        exchange.getResponseBody().write(out);
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!SKIPPED.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
            return;
        } catch (IOException e) {
            exchange.sendResponseHeaders(503, -1);
            return;
        }
        response.headers().map().forEach((name, values) -> {
            if (!SKIPPED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
