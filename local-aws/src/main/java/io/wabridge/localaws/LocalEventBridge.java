package io.wabridge.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge's {@code PutEvents} on loopback: events go to the named bus (which must exist, as on AWS),
 * are kept in a bounded log, and are delivered as EventBridge event envelopes to HTTP targets, each POST
 * signed with {@code X-WaBridge-Signature: sha256=<hex HMAC of the body>} and retried with backoff.
 */
public final class LocalEventBridge implements AwsJsonServer.Service, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalEventBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP = 10_000;

    /** An HTTP target: every event on the bus is POSTed there. */
    public record Target(String url, String signingSecret) {}

    private final String region;
    private final String accountId;
    private final Set<String> buses = ConcurrentHashMap.newKeySet();
    private final Deque<JsonNode> received = new ArrayDeque<>();
    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("local-events").factory());
    private final java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int maxAttempts = 6;
    private volatile long retryBaseMillis = 200;

    public LocalEventBridge(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
        buses.add("default");
    }

    public void ensureBus(String name) {
        buses.add(name);
    }

    public void addTarget(Target target) {
        targets.add(target);
    }

    /** Stops sending to {@code target} (deliveries already under way go on). */
    public void removeTarget(Target target) {
        targets.remove(target);
    }

    /** Whether no delivery to a target is under way or waiting for its retry. */
    public boolean idle() {
        return deliveries.get() == 0;
    }

    public void retries(long baseMillis, int attempts) {
        this.retryBaseMillis = baseMillis;
        this.maxAttempts = attempts;
    }

    /** The last events put on any bus (at most 10,000), oldest first. */
    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public String targetPrefix() {
        return "AWSEvents.";
    }

    static final int MAX_REQUEST_BYTES = 256 * 1024;

    @Override
    public JsonNode handle(String operation, JsonNode request) {
        if (!operation.equals("PutEvents")) {
            throw new AwsJsonServer.AwsError(400, "UnknownOperationException", operation + " is not supported locally");
        }
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            throw new AwsJsonServer.AwsError(400, "ValidationException", "Entries must hold 1 to 10 events");
        }
        long size = 0;
        for (JsonNode entry : entries) {
            size += entry.path("Detail").asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + entry.path("DetailType").asText("").length() + entry.path("Source").asText("").length();
        }
        if (size > MAX_REQUEST_BYTES) {
            // As on AWS: the entries of one PutEvents together stay under 256 KB.
            throw new AwsJsonServer.AwsError(400, "ValidationException", "Total size of the entries in the request is over the limit.");
        }
        ObjectNode out = JSON.createObjectNode();
        var results = out.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String bus = entry.path("EventBusName").asText("default");
            bus = bus.contains(":event-bus/") ? bus.substring(bus.indexOf(":event-bus/") + 11) : bus;
            JsonNode detail;
            try {
                detail = JSON.readTree(entry.path("Detail").asText("{}"));
            } catch (Exception e) {
                detail = null;
            }
            if (!buses.contains(bus)) {
                results.addObject().put("ErrorCode", "NotFound").put("ErrorMessage", "Event bus " + bus + " does not exist.");
                failed++;
            } else if (detail == null || !detail.isObject() || entry.path("Source").asText("").isEmpty()
                    || entry.path("DetailType").asText("").isEmpty()) {
                results.addObject().put("ErrorCode", "MalformedDetail").put("ErrorMessage", "Detail must be a JSON object; Source and DetailType are required.");
                failed++;
            } else {
                String id = UUID.randomUUID().toString();
                ObjectNode event = JSON.createObjectNode();
                event.put("version", "0");
                event.put("id", id);
                event.put("detail-type", entry.path("DetailType").asText());
                event.put("source", entry.path("Source").asText());
                event.put("account", accountId);
                event.put("time", Instant.now().toString());
                event.put("region", region);
                event.putArray("resources");
                event.set("detail", detail);
                synchronized (received) {
                    received.addLast(event);
                    while (received.size() > KEEP) {
                        received.pollFirst();
                    }
                }
                targets.forEach(t -> later(() -> deliver(t, event, 1), 0));
                results.addObject().put("EventId", id);
            }
        }
        out.put("FailedEntryCount", failed);
        return out;
    }

    private void deliver(Target target, JsonNode event, int attempt) {
        int status;
        try {
            byte[] body = JSON.writeValueAsBytes(event);
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(target.url())).timeout(Duration.ofSeconds(5))
                    .header("content-type", "application/json")
                    .header("x-wabridge-signature", "sha256=" + hmac(target.signingSecret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
        } catch (Exception e) {
            status = -1;
        }
        if (status >= 200 && status < 300) {
            return;
        }
        if (attempt < maxAttempts) {
            later(() -> deliver(target, event, attempt + 1), retryBaseMillis << (attempt - 1));
        } else {
            log.warn("event {} not delivered to {} after {} attempts", event.path("id").asText(), target.url(), attempt);
        }
    }

    /** Runs a delivery attempt after {@code millis}, counted as under way until it has run. */
    private void later(Runnable attempt, long millis) {
        deliveries.incrementAndGet();
        timer.schedule(() -> {
            try {
                attempt.run();
            } finally {
                deliveries.decrementAndGet();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
