package io.wabridge.bench;

import io.wabridge.core.webhook.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meta's side of the webhook: signed deliveries for the bench tenants ({@code 1000000000000<t>} numbers),
 * POSTed at a fixed open-loop rate. Run in the bench's JVM ({@code inbound}) or as a separate process
 * ({@code webhook}: {@code java -cp … io.wabridge.bench.WebhookLoad URL RATE SECONDS TENANTS}, the app
 * secret in {@code WEBHOOK_APP_SECRET}), so the load generator need not share the server's JVM.
 */
final class WebhookLoad {

    private WebhookLoad() {}

    public static void main(String[] args) throws Exception {
        URI webhook = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int tenants = Integer.parseInt(args[3]);
        WebhookSignature signer = WebhookSignature.withSecret(System.getenv("WEBHOOK_APP_SECRET"));
        HttpClient http = client();
        // Warm-up: this JVM's JIT and connections, and the server's.
        for (int i = 0; i < 300; i++) {
            post(http, webhook, signer, delivery(i % tenants, "warm-" + rate + "-" + i, 1)).join();
        }
        ack(http, webhook, signer, rate, seconds, tenants);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** POSTs {@code rate × seconds} one-message deliveries on schedule and prints the latency from each scheduled time. */
    static void ack(HttpClient http, URI webhook, WebhookSignature signer, int rate, int seconds, int tenants) {
        int total = rate * seconds;
        long[] latency = new long[total];
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastDone = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime() + 50_000_000L;
        long intervalNanos = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            int n = i;
            long scheduled = start + n * intervalNanos;
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            clock.schedule(() -> post(http, webhook, signer, delivery(n % tenants, "ack-" + rate + "-" + n, 1)).whenComplete((r, e) -> {
                long now = System.nanoTime();
                latency[n] = now - scheduled;
                lastDone.accumulateAndGet(now, Math::max);
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
        System.out.printf("  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d, over 1 s: %.2f%%, achieved %.0f/s%n",
                pct(latency, 50), pct(latency, 90), pct(latency, 99), latency[total - 1] / 1e6, errors.get(),
                100.0 * Arrays.stream(latency).filter(l -> l > 1_000_000_000L).count() / total,
                total / ((lastDone.get() - start) / 1e9));
    }

    /** One delivery for a tenant: one conversation per delivery, a message then three statuses of earlier sends, repeated. */
    static String delivery(int tenant, String id, int updates) {
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

    static CompletableFuture<HttpResponse<String>> post(HttpClient http, URI webhook, WebhookSignature signer, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.sendAsync(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .header("x-hub-signature-256", signer.sign(bytes)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The p-th percentile of sorted nanoseconds, in milliseconds. */
    static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
