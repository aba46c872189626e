package io.wabridge.bench;

import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
            route(runtime, tenants);
            WebhookSignature signer = WebhookSignature.withSecret(runtime.metaAppSecret());
            URI webhook = URI.create(runtime.baseUrl() + "/webhook");
            HttpClient http = WebhookLoad.client();

            // Warm-up: JIT and connection pools.
            for (int i = 0; i < 200; i++) {
                WebhookLoad.post(http, webhook, signer, WebhookLoad.delivery(i % tenants, "warm-" + i, 1)).join();
            }
            WebhookLoad.ack(http, webhook, signer, rate, seconds, tenants);
            drain(runtime);
            throughput(runtime, http, webhook, signer, tenants, deliveries, updatesPerDelivery);
        }
    }

    /** Gives the bench numbers {@code 1000000000000<t>} (WABA {@code 2000000000000<t>}) to tenants {@code tenant-<t>}. */
    static void route(LocalRuntime runtime, int tenants) {
        DynamoDbRouting routing = new DynamoDbRouting(runtime.dynamo(), runtime.resources().tableNames().get("Table"), Clock.systemUTC());
        for (int t = 0; t < tenants; t++) {
            routing.claim(new TenantId("tenant-" + t), "2000000000000" + t, new PhoneNumberId("1000000000000" + t));
        }
    }

    private static void throughput(LocalRuntime runtime, HttpClient http, URI webhook, WebhookSignature signer, int tenants,
                                   int deliveries, int updatesPerDelivery) throws Exception {
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
            posts.add(WebhookLoad.post(http, webhook, signer, WebhookLoad.delivery(i % tenants, "tp-" + i, updatesPerDelivery)));
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

    static void drain(LocalRuntime runtime) throws InterruptedException {
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
}
