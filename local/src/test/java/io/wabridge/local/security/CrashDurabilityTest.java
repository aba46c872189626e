package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.Http;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.gateway.LocalIdentity;
import io.wabridge.localaws.LocalSecretsManager;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
@org.junit.jupiter.api.Tag("slow") // child JVMs killed and restarted
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

    /** The runtime in a child JVM on the data folder, with {@code extra} flags; returns its local.json once it is up. */
    JsonNode startChild(int life, String... extra) throws Exception {
        Path config = data.resolve("local.json");
        Files.deleteIfExists(config);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A consumer killed mid-batch leaves its messages in flight until the visibility timeout (180 s in the template,
        // as on AWS): 5 s here, set before the pollers start, so the test does not wait out minutes.
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dwabridge.local.visibilitySeconds=5",
                "-cp", System.getProperty("java.class.path"), "io.wabridge.local.Main", "local", "--data", data.toString(),
                "--template", Path.of("../template.yaml").toAbsolutePath().toString()));
        command.addAll(List.of(extra));
        if (!command.contains("--port")) {
            command.addAll(List.of("--port", "0"));
        }
        if (!command.contains("--meta-url")) {
            command.addAll(List.of("--sandbox-port", "0"));
        }
        File log = Path.of(System.getProperty("java.io.tmpdir"), "crash-" + data.getFileName() + "-" + life + ".log").toFile();
        child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Files.exists(config) && System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("the runtime runs (see " + log + ")").isTrue();
            Thread.sleep(100);
        }
        assertThat(config).as("the runtime started (see " + log + ")").exists();
        System.out.printf("crash test: life %d up in %d ms%n", life, (System.nanoTime() - deadline + Duration.ofSeconds(180).toNanos()) / 1_000_000);
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

    // ----- sends: a 202 survives a SIGKILL and is sent exactly once -----------------------------------------------

    static final String APP_SECRET = "wabridge-local/meta-app-secret";
    static final int RECIPIENTS = 10;

    /** A send the test asked for; its text is unique, so what reached Meta is counted by it. */
    record Send(String text, String key, String to) {}

    /**
     * Meta runs in this JVM (the runtime is told {@code --meta-url}), so it outlives the kills and keeps every message
     * that reached it. The runtime is killed right after a burst of 202s (most sends still queued), then during a
     * steady stream (sends being delivered, some between the Graph call and its record), and restarted on the same
     * data folder and gateway port (Meta knows one callback URL; it retries a status webhook it could not deliver).
     * A client retries, with the same Idempotency-Key, each request that got no answer. In the end every send
     * answered 202 reached Meta exactly once, none reached it twice, and {@code GET /v1/messages/{id}} says so.
     *
     * <p>Meta takes no idempotency key on sends, so exactly once rests on WaBridge recording each attempt before its
     * Graph call (conditionally, so that one of two overlapping deliveries calls) and, for an attempt whose answer a kill
     * cut off, on Meta's status webhook echoing the send's id: it settles the send with no second call if it arrives
     * within {@code DeliverSend.CONFIRM_WAIT} (60 s) of the attempt, or while the inbound queue is busy. Past that, the
     * send goes again: at most one duplicate, for a status held up longer than that (see {@link #redeliver}).
     */
    @Test
    void everyAcceptedSendReachesMetaExactlyOnceAfterSigkills() throws Exception {
        // The app secret Meta and the runtime share, made in the data folder before the runtime's first start.
        LocalSecretsManager secrets = new LocalSecretsManager(data.resolve("secrets.json"), LocalRuntime.REGION, LocalRuntime.ACCOUNT);
        secrets.ensure(APP_SECRET, 32);
        try (MetaSandbox meta = MetaSandbox.start(LocalRuntime.META_APP_ID, secrets.value(APP_SECRET).orElseThrow(), 0, Clock.systemUTC())) {
            meta.webhooks().retries(250, 11); // Meta retries for days; this, for 8 minutes, outlasts every restart here
            String metaUrl = meta.baseUrl().toString();
            JsonNode first = startChild(11, "--meta-url", metaUrl);
            String port = Integer.toString(URI.create(first.path("gateway").asText()).getPort());
            SandboxState.Customer shop = connect(first, meta);
            List<String> to = new ArrayList<>();
            for (int i = 0; i < RECIPIENTS; i++) {
                to.add("6281277700" + String.format("%03d", i));
            }
            openWindows(first, meta, shop, to);

            Map<String, Send> asked = new ConcurrentHashMap<>();
            Map<String, String> accepted = new ConcurrentHashMap<>(); // text -> message id answered 202
            sendAndKill(first, shop, to, 8, 0, 25, asked, accepted);
            JsonNode second = startChild(12, "--meta-url", metaUrl, "--port", port);
            redeliver(meta, second);
            sendAndKill(second, shop, to, 4, 50, 60, asked, accepted);
            JsonNode third = startChild(13, "--meta-url", metaUrl, "--port", port);
            redeliver(meta, third);
            String token = token(third);
            int retried = 0;
            for (Send send : asked.values()) {
                if (!accepted.containsKey(send.text())) {
                    HttpResponse<String> again = postSend(third, token, shop, send);
                    assertThat(again.statusCode()).as("the retry of an unanswered send: " + again.body()).isEqualTo(202);
                    accepted.put(send.text(), JSON.readTree(again.body()).path("id").asText());
                    retried++;
                }
            }
            assertThat(accepted.size()).isGreaterThanOrEqualTo(85);

            String table = third.path("tables").path("Table").asText();
            try (DynamoDbClient dynamo = dynamo(third)) {
                boolean settled = Http.eventually(Duration.ofSeconds(180), () -> accepted.values().stream()
                        .allMatch(id -> Set.of("sent", "failed").contains(outbox(dynamo, table, id).getOrDefault("state", AttributeValue.fromS("")).s())));
                Map<String, List<String>> reached = reachedMeta(meta);
                Map<String, String> unsettled = new TreeMap<>();
                accepted.values().forEach(id -> {
                    String state = outbox(dynamo, table, id).getOrDefault("state", AttributeValue.fromS("missing")).s();
                    if (!state.equals("sent")) {
                        unsettled.put(id, state);
                    }
                });
                assertThat(settled).as("every accepted send settles; not yet: " + unsettled).isTrue();
                Map<String, Integer> twice = new TreeMap<>(); // text (id, record) -> messages Meta took
                asked.keySet().forEach(text -> {
                    if (reached.getOrDefault(text, List.of()).size() > 1) {
                        twice.put(text + " (" + accepted.get(text) + " " + outbox(dynamo, table, accepted.getOrDefault(text, "-")) + ")",
                                reached.get(text).size());
                    }
                });
                List<String> lost = accepted.keySet().stream().filter(text -> !reached.containsKey(text)).sorted().toList();
                report(asked.size(), accepted.size(), retried, accepted, dynamo, table);
                assertThat(twice).as("sends Meta got more than once (of " + asked.size() + " asked)").isEmpty();
                assertThat(lost).as("sends answered 202 that never reached Meta (of " + accepted.size() + ")").isEmpty();
                assertThat(unsettled).as("accepted sends not sent").isEmpty();

                // The read API agrees: each send is sent with the wamid Meta gave it, and is found by that wamid.
                for (var e : accepted.entrySet()) {
                    String wamid = reached.get(e.getKey()).get(0);
                    JsonNode byId = readMessage(third, token, e.getValue());
                    assertThat(byId.path("state").asText()).as(byId.toString()).isEqualTo("sent");
                    assertThat(byId.path("wamid").asText()).as(byId.toString()).isEqualTo(wamid);
                    assertThat(readMessage(third, token, wamid).path("id").asText()).as("found by " + wamid).isEqualTo(e.getValue());
                }
            }
        }
    }

    /**
     * Meta retries each webhook the dead runtime did not answer 200 (the sandbox does too, with a backoff that may wait
     * longer than the runtime took to come back): sent again at once here, as the webhook function on AWS, which a
     * sender's crash does not stop, would have taken the status within seconds. A status that reaches WaBridge only
     * after {@code DeliverSend.CONFIRM_WAIT} (60 s) of its attempt, with the inbound queue idle, is taken to mean Meta
     * did not take the send, which then goes a second time: the one window where a send can reach Meta twice.
     */
    void redeliver(MetaSandbox meta, JsonNode c) throws Exception {
        String secret = appSecret(c);
        URI webhook = URI.create(c.path("webhookUrl").asText());
        for (var d : meta.webhooks().deliveries()) {
            if (!d.delivered) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(d.body)).header("content-type", "application/json")
                        .header("x-hub-signature-256", WebhookSignature.withSecret(secret).sign(d.body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("a redelivered webhook: " + r.body()).isEqualTo(200);
            }
        }
    }

    /** A JWT for the tenant on the pro plan, signed with the key the runtime keeps in the data folder. */
    String token(JsonNode c) throws Exception {
        JsonNode jwt = c.path("jwt");
        return LocalIdentity.loadOrCreate(data.resolve("jwt-signing-key.json")).mint(jwt.path("issuer").asText(), jwt.path("audience").asText(),
                jwt.path("tenantClaim").asText(), TENANT, Duration.ofMinutes(30), Map.of(jwt.path("planClaim").asText(), "pro"));
    }

    static HttpResponse<String> api(JsonNode c, String token, String method, String path, String idempotencyKey, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.path("gateway").asText() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json").header("authorization", "Bearer " + token);
        if (idempotencyKey != null) {
            b.header("idempotency-key", idempotencyKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Embedded Signup through the API, Meta's side played by the sandbox. */
    SandboxState.Customer connect(JsonNode c, MetaSandbox meta) throws Exception {
        String token = token(c);
        SandboxState.Customer shop = meta.createCustomer("Toko Tahan Banting", "6281100007021");
        HttpResponse<String> session = api(c, token, "POST", "/v1/signup/sessions", null, Map.of());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        HttpResponse<String> r = api(c, token, "POST", "/v1/signup/complete", null, Map.of("state", JSON.readTree(session.body()).path("state").asText(),
                "event", "FINISH", "code", meta.signupCode(shop.businessId()), "waba_id", shop.wabaId(), "phone_number_id", shop.phoneNumberId(),
                "business_id", shop.businessId()));
        assertThat(JSON.readTree(r.body()).path("outcome").asText()).as(r.body()).isEqualTo("active");
        return shop;
    }

    /** Each recipient writes first, so free-form sends are inside their 24-hour window. */
    void openWindows(JsonNode c, MetaSandbox meta, SandboxState.Customer shop, List<String> users) throws Exception {
        String token = token(c);
        List<String> wamids = users.stream().map(u -> meta.userSendsText(u, shop.phoneNumberId(), "halo")).toList();
        for (String wamid : wamids) {
            assertThat(Http.eventuallyCalling(Duration.ofSeconds(30), () -> api(c, token, "GET", "/v1/messages/" + wamid, null, null).statusCode() == 200))
                    .as("the user's message " + wamid + " is stored").isTrue();
        }
    }

    static HttpResponse<String> postSend(JsonNode c, String token, SandboxState.Customer shop, Send send) throws Exception {
        return api(c, token, "POST", "/v1/messages", send.key(), Map.of("channel", shop.phoneNumberId(), "to", send.to(), "type", "text",
                "text", Map.of("body", send.text())));
    }

    /**
     * Posts sends from {@code threads} threads ({@code pauseMillis} apart in each) until {@code killAfter} more were
     * answered 202, then kills the child with SIGKILL while the posts go on. Every send asked is kept in {@code asked};
     * those answered 202, with their id, in {@code accepted}.
     */
    void sendAndKill(JsonNode c, SandboxState.Customer shop, List<String> to, int threads, long pauseMillis, int killAfter,
                     Map<String, Send> asked, Map<String, String> accepted) throws Exception {
        String token = token(c);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger n = new AtomicInteger(asked.size());
        ExecutorService posters = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                posters.submit(() -> {
                    while (child.isAlive() && ok.get() < killAfter * 2) {
                        int i = n.getAndIncrement();
                        Send send = new Send("kill test " + i + " " + UUID.randomUUID(), UUID.randomUUID().toString(), to.get(i % to.size()));
                        asked.put(send.text(), send);
                        try {
                            HttpResponse<String> r = postSend(c, token, shop, send);
                            if (r.statusCode() == 202) {
                                accepted.put(send.text(), JSON.readTree(r.body()).path("id").asText());
                                ok.incrementAndGet();
                            } else {
                                System.out.println("crash test: send refused " + r.statusCode() + " " + r.body());
                            }
                            Thread.sleep(pauseMillis);
                        } catch (Exception refused) {
                            // no answer (the runtime is gone): not accepted; the client retries it with the same key
                        }
                    }
                    return null;
                });
            }
            while (ok.get() < killAfter && child.isAlive()) {
                Thread.sleep(2);
            }
            child.destroyForcibly();   // SIGKILL on Linux
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            posters.shutdown();
            assertThat(posters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static Map<String, AttributeValue> outbox(DynamoDbClient dynamo, String table, String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(TableItems.key(TableItems.send(id), TableItems.SEND))).item();
        return item == null ? Map.of() : item;
    }

    /** The wamids of the messages Meta took, by their text. */
    static Map<String, List<String>> reachedMeta(MetaSandbox meta) {
        Map<String, List<String>> out = new HashMap<>();
        meta.state().sentMessages().values().forEach(m -> {
            Object text = m.body.get("text") instanceof Map<?, ?> t ? t.get("body") : null;
            if (text != null) {
                out.computeIfAbsent(text.toString(), k -> new ArrayList<>()).add(m.wamid);
            }
        });
        return out;
    }

    JsonNode readMessage(JsonNode c, String token, String id) throws Exception {
        HttpResponse<String> r = api(c, token, "GET", "/v1/messages/" + id, null, null);
        for (int i = 0; i < 50 && r.statusCode() == 429; i++) {
            Thread.sleep(100);
            r = api(c, token, "GET", "/v1/messages/" + id, null, null);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /**
     * What the kills hit, from the children's logs: sends whose attempt a kill cut between the Graph call's start and its
     * record (found {@code unconfirmed} after a restart: settled by Meta's status webhook, or sent again if Meta had not
     * taken them, then with attempts 2), and deliveries of a send that overlapped another (its job received again while the
     * first worked on it) and left the Graph call to it ({@code DeliverSend.CLAIMED_ELSEWHERE}, 10 s).
     */
    void report(int asked, int accepted, int retried, Map<String, String> ids, DynamoDbClient dynamo, String table) throws Exception {
        Pattern unconfirmed = Pattern.compile("send (\\S+) unconfirmed: retry");
        Pattern overlapped = Pattern.compile("send (\\S+) \\w+: retry in 10 s");
        Set<String> cut = new java.util.TreeSet<>();
        Set<String> overlaps = new java.util.TreeSet<>();
        for (int life = 11; life <= 13; life++) {
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "crash-" + data.getFileName() + "-" + life + ".log");
            if (Files.exists(log)) {
                String text = Files.readString(log);
                for (Matcher m = unconfirmed.matcher(text); m.find(); ) {
                    cut.add(m.group(1));
                }
                for (Matcher m = overlapped.matcher(text); m.find(); ) {
                    overlaps.add(m.group(1));
                }
            }
        }
        Map<String, Long> attempts = ids.values().stream().collect(Collectors.groupingBy(
                id -> outbox(dynamo, table, id).getOrDefault("attempts", AttributeValue.fromN("0")).n(), TreeMap::new, Collectors.counting()));
        System.out.printf("crash test: %d sends asked, %d answered 202 (%d of them on the client's retry after no answer); cut off in"
                + " their Graph call by a kill: %s; overlapping deliveries that left the call to the other: %s; sends by attempts: %s%n",
                asked, accepted, retried, cut, overlaps, attempts);
    }
}
