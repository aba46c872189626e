package io.wabridge.bench;

import io.wabridge.adapters.aws.SqsInboundQueue;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.webhook.ReceiveWebhook;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.LocalRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Webhook ack latency with the load generator in a separate JVM ({@link WebhookLoad}), one run per rate,
 * then the same path without HTTP in this JVM: the signature check, the split into updates, and the
 * enqueue to the local SQS, each timed after a warm-up, to show where an ack's time goes. The inbound
 * consumers run as usual while the load is on (they share the cores, as DynamoDB Local and ElasticMQ
 * do); the inbound queue is purged between rates so no backlog carries over.
 */
final class WebhookBench {

    private WebhookBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        List<Integer> rates = Arrays.stream(flags.getOrDefault("rates", "100,500,1000").split(",")).map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(flags.getOrDefault("seconds", "20"));
        int tenants = 10;
        Path data = Files.createTempDirectory("wabridge-bench");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null))) {
            InboundBench.route(runtime, tenants);
            String queue = runtime.resources().queueUrls().get("InboundQueue");
            if (flags.containsKey("sizes")) {
                deliverySizes(runtime, queue, Arrays.stream(flags.get("sizes").split(",")).map(Integer::parseInt).toList(),
                        Integer.parseInt(flags.getOrDefault("repeats", "20")));
                return;
            }
            for (int rate : rates) {
                ProcessBuilder load = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                        "-cp", System.getProperty("java.class.path"), WebhookLoad.class.getName(),
                        runtime.baseUrl() + "/webhook", String.valueOf(rate), String.valueOf(seconds), String.valueOf(tenants)).inheritIO();
                load.environment().put("WEBHOOK_APP_SECRET", runtime.metaAppSecret());
                if (load.start().waitFor() != 0) {
                    throw new IllegalStateException("the load generator failed at " + rate + "/s");
                }
                runtime.sqs().purgeQueue(r -> r.queueUrl(queue));
            }
            withoutHttp(runtime, queue);
        }
    }

    private static void withoutHttp(LocalRuntime runtime, String queue) {
        WebhookSignature signature = WebhookSignature.withSecret(runtime.metaAppSecret());
        byte[] body = WebhookLoad.delivery(0, "inproc", 1).getBytes(StandardCharsets.UTF_8);
        String header = signature.sign(body);
        MetaWebhookParser parser = new MetaWebhookParser();
        ReceiveWebhook inMemory = new ReceiveWebhook(signature, parser, updates -> { });
        ReceiveWebhook toSqs = new ReceiveWebhook(signature, parser, new SqsInboundQueue(runtime.sqs(), queue, () -> {
            throw new IllegalStateException("a bench delivery never needs a claim check");
        }));
        System.out.println("the same one-message delivery without HTTP, in one JVM (after a warm-up):");
        row("signature check", ApiLimitBench.time(50_000, () -> signature.isValid(header, body)));
        row("signature check + split", ApiLimitBench.time(50_000, () -> inMemory.receive(header, body)));
        row("signature check + split + enqueue (ElasticMQ)", ApiLimitBench.time(2_000, () -> toSqs.receive(header, body)));
        runtime.sqs().purgeQueue(r -> r.queueUrl(queue));
    }

    /**
     * Ack time of one delivery of n updates (Meta sends 1 to 1,000 per POST), POSTed one after another {@code repeats}
     * times through the local gateway to the webhook function; the queue is purged between sizes.
     */
    private static void deliverySizes(LocalRuntime runtime, String queue, List<Integer> sizes, int repeats) throws Exception {
        WebhookSignature signer = WebhookSignature.withSecret(runtime.metaAppSecret());
        java.net.http.HttpClient http = WebhookLoad.client();
        java.net.URI webhook = java.net.URI.create(runtime.baseUrl() + "/webhook");
        System.out.println("ack of one delivery of n updates, " + repeats + " POSTs per size after 2 warm-ups:");
        for (int n : sizes) {
            long[] times = new long[repeats];
            int refused = 0;
            for (int i = -2; i < repeats; i++) {
                String body = WebhookLoad.delivery(Math.floorMod(i, 10), "size" + n + "." + i + "." + System.nanoTime(), n);
                long started = System.nanoTime();
                int status = WebhookLoad.post(http, webhook, signer, body).get().statusCode();
                long took = System.nanoTime() - started;
                if (status != 200 && i >= 0) {
                    refused++;   // Meta would redeliver the whole POST
                }
                if (i >= 0) {
                    times[i] = took;
                }
            }
            Arrays.sort(times);
            System.out.printf("  %5d updates (%,d bytes)  p50 %.0f ms, p99 %.0f ms, max %.0f ms, not 200: %d of %d%n", n,
                    WebhookLoad.delivery(0, "x", n).length(), ApiLimitBench.ms(times, 0.50), ApiLimitBench.ms(times, 0.99), times[repeats - 1] / 1e6,
                    refused, repeats);
            runtime.sqs().purgeQueue(r -> r.queueUrl(queue));
        }
    }

    private static void row(String what, long[] sorted) {
        System.out.printf("  %-46s p50 %.3f ms, p99 %.3f ms, mean %.3f ms%n", what, ApiLimitBench.ms(sorted, 0.50),
                ApiLimitBench.ms(sorted, 0.99), Arrays.stream(sorted).average().orElse(0) / 1e6);
    }
}
