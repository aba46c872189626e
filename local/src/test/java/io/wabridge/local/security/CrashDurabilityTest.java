package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.webhook.WebhookSignature;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local runtime's 200 on {@code /webhook} means durable, as SQS's does. The runtime runs as a
 * child JVM ({@code Main local}); signed webhooks are posted to it from several threads and the JVM is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) while updates are being queued and consumed, at two points of the
 * load; it is restarted on the same data folder each time. In the end every update that was answered 200 is stored,
 * exactly once.
 */
class CrashDurabilityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String TENANT = "crash";
    static final String WABA = "102290129340398";
    static final String NUMBER = "106540352242922";
    static final int USERS = 8;

    @TempDir
    Path data;
    Process child;

    @AfterEach
    void kill() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** The runtime in a child JVM on the data folder; returns its local.json once it is up. */
    JsonNode startChild(int life) throws Exception {
        Path config = data.resolve("local.json");
        Files.deleteIfExists(config);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A consumer killed mid-batch leaves its messages in flight until the visibility timeout (180 s in the template,
        // as on AWS): 5 s here, set before the pollers start, so the test does not wait out minutes.
        List<String> command = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dwabridge.local.visibilitySeconds=5", "-cp", System.getProperty("java.class.path"),
                "io.wabridge.local.Main", "local", "--port", "0", "--sandbox-port", "0", "--data", data.toString(),
                "--template", Path.of("../template.yaml").toAbsolutePath().toString());
        File log = Path.of(System.getProperty("java.io.tmpdir"), "crash-" + data.getFileName() + "-" + life + ".log").toFile();
        child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Files.exists(config) && System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("the runtime runs (see " + log + ")").isTrue();
            Thread.sleep(100);
        }
        assertThat(config).as("the runtime started (see " + log + ")").exists();
        Thread.sleep(200); // local.json is written in one call; let it land whole
        JsonNode c = JSON.readTree(config.toFile());
        return c;
    }

    static DynamoDbClient dynamo(JsonNode c) {
        return DynamoDbClient.builder().endpointOverride(URI.create(c.path("aws").path("dynamodb").asText())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    static SqsClient sqs(JsonNode c) {
        return SqsClient.builder().endpointOverride(URI.create(c.path("aws").path("sqs").asText())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** The app secret the runtime keeps in its data folder (local Secrets Manager). */
    String appSecret(JsonNode c) throws Exception {
        String fromConfig = c.path("meta").path("appSecret").asText("");
        if (!fromConfig.isEmpty()) {
            return fromConfig;
        }
        JsonNode secrets = JSON.readTree(data.resolve("secrets.json").toFile());
        return secrets.path("wabridge-local/meta-app-secret").asText();
    }

    /**
     * A text message webhook as Meta documents it (WhatsApp Cloud API, Webhooks, "messages" field, text message example).
     */
    static String textWebhook(String user, String wamid) {
        return """
                {"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                "contacts":[{"profile":{"name":"Sheena"},"wa_id":"%s"}],
                "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"durable?"}}]},
                "field":"messages"}]}]}""".formatted(WABA, NUMBER, user, user, wamid, Instant.now().getEpochSecond());
    }

    static String user(int i) {
        return "6281255500" + String.format("%03d", i);
    }

    /**
     * Posts signed webhooks from 6 threads until {@code killAfter} have been answered 200, then kills the child with
     * SIGKILL while the posts go on; returns the wamids answered 200 (by user).
     */
    Map<String, List<String>> loadAndKill(JsonNode c, int killAfter) throws Exception {
        String secret = appSecret(c);
        URI webhook = URI.create(c.path("webhookUrl").asText());
        Map<String, List<String>> acked = new ConcurrentHashMap<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService posters = Executors.newFixedThreadPool(6);
        try {
            for (int t = 0; t < 6; t++) {
                posters.submit(() -> {
                    while (child.isAlive() && sent.get() < killAfter * 4) {
                        int n = sent.getAndIncrement();
                        String user = user(n % USERS);
                        String wamid = "wamid.crash." + UUID.randomUUID();
                        byte[] body = textWebhook(user, wamid).getBytes(StandardCharsets.UTF_8);
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", "application/json")
                                    .header("x-hub-signature-256", WebhookSignature.withSecret(secret).sign(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                acked.computeIfAbsent(user, u -> java.util.Collections.synchronizedList(new ArrayList<>())).add(wamid);
                                ok.incrementAndGet();
                            }
                        } catch (Exception refused) {
                            // no answer (the runtime is gone): Meta would redeliver; not counted as acknowledged
                        }
                    }
                    return null;
                });
            }
            while (ok.get() < killAfter && child.isAlive()) {
                Thread.sleep(5);
            }
            child.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, nothing flushed
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            posters.shutdown();
            assertThat(posters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        return acked;
    }

    /** Every wamid stored for the user's conversation, as many times as it is stored. */
    static List<String> storedFor(DynamoDbClient dynamo, String table, String user) {
        List<String> out = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableItems.conversation(new io.wabridge.core.inbound.TenantId(TENANT), NUMBER, user)))))
                .items().forEach(item -> {
                    String sk = item.get("SK").s();
                    if (TableItems.isMessage(sk)) {
                        out.add(sk.substring(sk.indexOf('#', 4) + 1));
                    }
                });
        return out;
    }

    @Test
    void everyAcknowledgedWebhookIsStoredExactlyOnceAfterSigkills() throws Exception {
        JsonNode first = startChild(1);
        String table = first.path("tables").path("Table").asText();
        try (DynamoDbClient dynamo = dynamo(first)) {
            new DynamoDbRouting(dynamo, table, Clock.systemUTC()).claim(new TenantId(TENANT), WABA, new PhoneNumberId(NUMBER));
        }
        Map<String, List<String>> acked = new HashMap<>();
        // Killed early (updates being queued, the consumer starting), then later (queueing and consuming at full load).
        loadAndKill(first, 40).forEach((u, w) -> acked.computeIfAbsent(u, x -> new ArrayList<>()).addAll(w));
        JsonNode second = startChild(2);
        loadAndKill(second, 120).forEach((u, w) -> acked.computeIfAbsent(u, x -> new ArrayList<>()).addAll(w));
        JsonNode third = startChild(3);

        int total = acked.values().stream().mapToInt(List::size).sum();
        assertThat(total).isGreaterThanOrEqualTo(160);
        try (DynamoDbClient dynamo = dynamo(third)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Map<String, List<String>> missing = new HashMap<>();
            do {
                missing.clear();
                for (var e : acked.entrySet()) {
                    Set<String> stored = Set.copyOf(storedFor(dynamo, table, e.getKey()));
                    List<String> lost = e.getValue().stream().filter(w -> !stored.contains(w)).toList();
                    if (!lost.isEmpty()) {
                        missing.put(e.getKey(), lost);
                    }
                }
                if (!missing.isEmpty()) {
                    Thread.sleep(500);
                }
            } while (!missing.isEmpty() && System.nanoTime() < deadline);
            if (!missing.isEmpty()) {
                try (SqsClient sqs = sqs(third)) {
                    for (String q : List.of("InboundQueue", "InboundDeadLetterQueue")) {
                        System.out.println("crash test: " + q + " " + sqs.getQueueAttributes(r -> r.queueUrl(third.path("queues").path(q).asText())
                                .attributeNames(QueueAttributeName.ALL)).attributesAsStrings());
                    }
                }
                System.out.println("crash test: missing " + missing);
            }
            assertThat(missing).as("of " + total + " updates answered 200, these were never stored").isEmpty();
            for (String user : acked.keySet()) {
                List<String> stored = storedFor(dynamo, table, user);
                assertThat(stored).as("each update of " + user + " stored once").doesNotHaveDuplicates();
            }
        }
    }
}
