package io.wabridge.bench;

import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.LocalRuntime;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Two figures of the inbound path on the local runtime:
 * <ol>
 *   <li>webhook ack latency: signed one-message deliveries POSTed at a fixed rate (open loop: latency is
 *       measured from each request's scheduled time, so a stall is not hidden);</li>
 *   <li>inbound throughput: deliveries of several updates (1 message : 3 statuses, as Meta describes)
 *       for many tenants and conversations, posted as fast as they are accepted, then the time until
 *       the inbound queue is drained.</li>
 * </ol>
 * The load generator runs in the runtime's JVM, on the same 2 cores: the figures are a floor for what
 * one machine does, not Lambda's.
 */
final class InboundBench {

    private InboundBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int rate = Integer.parseInt(flags.getOrDefault("rate", "100"));
        int seconds = Integer.parseInt(flags.getOrDefault("seconds", "20"));
        int tenants = Integer.parseInt(flags.getOrDefault("tenants", "10"));
        int deliveries = Integer.parseInt(flags.getOrDefault("deliveries", "500"));
        int updatesPerDelivery = Integer.parseInt(flags.getOrDefault("updates", "8"));
        Path data = Files.createTempDirectory("wabridge-bench");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null))) {
            String table = runtime.resources().tableNames().get("Table");
            DynamoDbRouting routing = new DynamoDbRouting(runtime.dynamo(), table, Clock.systemUTC());
            for (int t = 0; t < tenants; t++) {
                routing.claim(new TenantId("tenant-" + t), "2000000000000" + t, new PhoneNumberId("1000000000000" + t));
            }
            WebhookSignature signer = WebhookSignature.withSecret(runtime.metaAppSecret());
            URI webhook = URI.create(runtime.baseUrl() + "/webhook");
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

            // Warm-up: JIT and connection pools.
            for (int i = 0; i < 200; i++) {
                post(http, webhook, signer, delivery(i % tenants, "warm-" + i, 1)).join();
            }
            ack(http, webhook, signer, rate, seconds, tenants);
            drain(runtime);
            throughput(runtime, http, webhook, signer, tenants, deliveries, updatesPerDelivery);
        }
    }

    private static void ack(HttpClient http, URI webhook, WebhookSignature signer, int rate, int seconds, int tenants) throws Exception {
        int total = rate * seconds;
        long[] latency = new long[total];
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime() + 50_000_000L;
        long intervalNanos = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            int n = i;
            long scheduled = start + n * intervalNanos;
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            clock.schedule(() -> post(http, webhook, signer, delivery(n % tenants, "ack-" + n, 1)).whenComplete((r, e) -> {
                latency[n] = System.nanoTime() - scheduled;
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                done.complete(null);
            }), scheduled - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        clock.shutdown();
        Arrays.sort(latency);
        System.out.printf("webhook ack, %d signed one-message POSTs at %d/s for %d s (open loop):%n", total, rate, seconds);
        System.out.printf("  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d, over 1 s: %.2f%%%n",
                pct(latency, 50), pct(latency, 90), pct(latency, 99), latency[total - 1] / 1e6, errors.get(),
                100.0 * Arrays.stream(latency).filter(l -> l > 1_000_000_000L).count() / total);
    }

    private static void throughput(LocalRuntime runtime, HttpClient http, URI webhook, WebhookSignature signer, int tenants,
                                   int deliveries, int updatesPerDelivery) throws Exception {
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
            posts.add(post(http, webhook, signer, delivery(i % tenants, "tp-" + i, updatesPerDelivery)));
            if (posts.size() >= 32) {
                posts.removeIf(CompletableFuture::isDone);
                posts.get(0).join();
            }
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
        long accepted = System.nanoTime();
        drain(runtime);
        long drained = System.nanoTime();
        int updates = deliveries * updatesPerDelivery;
        System.out.printf("inbound throughput, %d deliveries x %d updates (1 message : 3 statuses) for %d tenants:%n",
                deliveries, updatesPerDelivery, tenants);
        System.out.printf("  all accepted after %.1f s; queue drained after %.1f s: %.0f updates/s end to end%n",
                (accepted - started) / 1e9, (drained - started) / 1e9, updates / ((drained - started) / 1e9));
    }

    private static void drain(LocalRuntime runtime) throws InterruptedException {
        String queue = runtime.resources().queueUrls().get("InboundQueue");
        while (true) {
            var attrs = runtime.sqs().getQueueAttributes(r -> r.queueUrl(queue).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            if (attrs.values().stream().allMatch("0"::equals)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** One delivery for a tenant: one conversation per delivery, a message then three statuses of earlier sends, repeated. */
    private static String delivery(int tenant, String id, int updates) {
        String number = "1000000000000" + tenant;
        String user = "628" + Math.abs(id.hashCode() % 1_000_000_000);
        List<String> messages = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        for (int u = 0; u < updates; u++) {
            if (u % 4 == 0) {
                messages.add("{\"from\":\"" + user + "\",\"id\":\"wamid." + id + "." + u + "\",\"timestamp\":\"" + now
                        + "\",\"type\":\"text\",\"text\":{\"body\":\"bench\"}}");
            } else {
                String status = u % 4 == 1 ? "sent" : u % 4 == 2 ? "delivered" : "read";
                statuses.add("{\"id\":\"wamid.out." + id + "." + (u / 4) + "\",\"status\":\"" + status + "\",\"timestamp\":\"" + now
                        + "\",\"recipient_id\":\"" + user + "\"}");
            }
        }
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"2000000000000" + tenant + "\",\"changes\":[{\"field\":\"messages\","
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\""
                + number + "\"},\"contacts\":[{\"profile\":{\"name\":\"B\"},\"wa_id\":\"" + user + "\"}],\"messages\":["
                + String.join(",", messages) + "],\"statuses\":[" + String.join(",", statuses) + "]}}]}]}";
    }

    private static CompletableFuture<HttpResponse<String>> post(HttpClient http, URI webhook, WebhookSignature signer, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.sendAsync(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .header("x-hub-signature-256", signer.sign(bytes)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
