package io.wabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Outbound pacing on the local runtime: N numbers connected through WaBridge's signup API, each with users
 * who wrote (so the window is open), then M sends per number through {@code POST /v1/messages} as fast as
 * the API takes them. Prints, from the Meta sandbox's call record: the sustained Graph send rate per number
 * (messages/s over the full seconds), the sends Meta refused (130429 throughput, 131056 pair), and the time
 * from the API's 202 to the Graph call (p50/p99). The sender runs with the local runtime's 4 pollers on
 * this machine's cores, next to DynamoDB Local and ElasticMQ: local figures, not Lambda's.
 */
final class SendBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SendBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int numbers = Integer.parseInt(flags.getOrDefault("numbers", "1"));
        int sends = Integer.parseInt(flags.getOrDefault("sends", "2000"));
        int users = Integer.parseInt(flags.getOrDefault("users", "200"));
        // --statuses late: Meta's status webhooks are held back 10 minutes, so the figure is the sender's alone.
        boolean lateStatuses = flags.getOrDefault("statuses", "on").equals("late");
        Path data = Files.createTempDirectory("wabridge-bench");
        // The API's per-tenant rate limit is lifted: the figure is the sender's pace, not the bench tenant's plan.
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")))) {
            MetaSandbox meta = runtime.sandbox();
            meta.statusStepMillis(50);
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            String jwt = "Bearer " + runtime.token("bench", Duration.ofHours(1));
            List<SandboxState.Customer> channels = new ArrayList<>();
            for (int n = 0; n < numbers; n++) {
                channels.add(connect(runtime, meta, http, jwt, n));
            }
            // Users write first, so free-form sends are inside the 24-hour window.
            for (SandboxState.Customer c : channels) {
                for (int u = 0; u < users; u++) {
                    meta.userSendsText(user(u), c.phoneNumberId(), "hi");
                }
            }
            // Wait until every user's message is stored: until then a send to that user is outside the window (422).
            for (SandboxState.Customer c : channels) {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (conversations(runtime, http, jwt, c.phoneNumberId()) < users && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
            }
            if (lateStatuses) {
                meta.webhooks().chaos(new io.wabridge.sandbox.WebhookDispatcher.Chaos(0, false, 600_000));
            }
            int before = meta.calls().size();
            Map<String, Instant> accepted = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicInteger refusedByApi = new java.util.concurrent.atomic.AtomicInteger();
            List<CompletableFuture<?>> pending = new ArrayList<>();
            Instant started = Instant.now();
            for (int i = 0; i < sends; i++) {
                for (SandboxState.Customer c : channels) {
                    String body = JSON.writeValueAsString(Map.of("channel", c.phoneNumberId(), "to", user(i % users), "type", "text",
                            "text", Map.of("body", "bench " + i)));
                    pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                                    .header("authorization", jwt).header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                            .thenAccept(r -> {
                                if (r.statusCode() != 202) {
                                    refusedByApi.incrementAndGet();
                                    return;
                                }
                                try {
                                    accepted.put(JSON.readTree(r.body()).path("id").asText(), Instant.now());
                                } catch (Exception e) {
                                    throw new IllegalStateException(r.body(), e);
                                }
                            }));
                    if (pending.size() >= 64) {
                        pending.removeIf(CompletableFuture::isDone);
                        if (pending.size() >= 64) {
                            pending.get(0).join();
                        }
                    }
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
            Instant allAccepted = Instant.now();
            int total = accepted.size();
            if (refusedByApi.get() > 0) {
                System.out.printf("  (the API refused %d sends)%n", refusedByApi.get());
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (sentCount(meta, before) < total && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            report(meta.calls().subList(before, meta.calls().size()), accepted, numbers, total, started, allAccepted);
        }
    }

    static String user(int u) {
        return "62813" + String.format("%08d", u);
    }

    static int conversations(LocalRuntime runtime, HttpClient http, String jwt, String phoneNumberId) throws Exception {
        int count = 0;
        String cursor = null;
        do {
            String url = runtime.baseUrl() + "/v1/channels/" + phoneNumberId + "/conversations?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).header("authorization", jwt).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            count += page.path("items").size();
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return count;
    }

    private static long sentCount(MetaSandbox meta, int from) {
        List<MetaSandbox.Call> calls = meta.calls();
        return calls.subList(from, calls.size()).stream().filter(c -> c.path().endsWith("/messages") && c.status() == 200).count();
    }

    static SandboxState.Customer connect(LocalRuntime runtime, MetaSandbox meta, HttpClient http, String jwt, int n) throws Exception {
        SandboxState.Customer c = meta.createCustomer("Bench " + n, "6281100009" + String.format("%03d", n));
        String state = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/signup/sessions"))
                .header("authorization", jwt).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("state").asText();
        String body = JSON.writeValueAsString(Map.of("state", state, "event", "FINISH", "code", meta.signupCode(c.businessId()),
                "waba_id", c.wabaId(), "phone_number_id", c.phoneNumberId(), "business_id", c.businessId()));
        JsonNode done = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/signup/complete"))
                .header("authorization", jwt).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        if (!done.path("outcome").asText().equals("active")) {
            throw new IllegalStateException("signup failed: " + done);
        }
        return c;
    }

    private static void report(List<MetaSandbox.Call> calls, Map<String, Instant> accepted, int numbers, int total, Instant started,
                               Instant allAccepted) throws Exception {
        Map<String, TreeMap<Long, Integer>> perNumberSecond = new HashMap<>();
        List<Long> lagMillis = new ArrayList<>();
        int ok = 0;
        int refused = 0;
        Instant first = null;
        Instant last = null;
        for (MetaSandbox.Call c : calls) {
            if (!c.method().equals("POST") || !c.path().endsWith("/messages")) {
                continue;
            }
            if (c.status() != 200) {
                refused++;   // 130429 (throughput) or 131056 (pair rate): the sandbox's only refusals of valid sends
                continue;
            }
            ok++;
            Instant at = Instant.parse(c.at());
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
            String number = c.path().replaceAll(".*/([0-9]+)/messages$", "$1");
            perNumberSecond.computeIfAbsent(number, k -> new TreeMap<>()).merge(at.getEpochSecond(), 1, Integer::sum);
            JsonNode body = JSON.readTree(c.body());
            Instant acceptedAt = accepted.get(body.path("biz_opaque_callback_data").asText());
            if (acceptedAt != null) {
                lagMillis.add(Duration.between(acceptedAt, at).toMillis());
            }
        }
        long[] lag = lagMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("outbound: %d numbers, %d sends accepted by POST /v1/messages (202) in %.1f s (%.0f/s)%n", numbers,
                total, Duration.between(started, allAccepted).toMillis() / 1000.0, total * 1000.0 / Duration.between(started, allAccepted).toMillis());
        System.out.printf("  Graph sends that Meta accepted: %d of %d in %.1f s (%.0f/s overall); refused (130429/131056): %d%n", ok, total,
                first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0,
                first == null ? 0 : ok * 1000.0 / Math.max(1, Duration.between(first, last).toMillis()), refused);
        for (var e : perNumberSecond.entrySet()) {
            int[] perSecond = e.getValue().values().stream().mapToInt(Integer::intValue).toArray();
            int[] full = perSecond.length > 2 ? Arrays.copyOfRange(perSecond, 1, perSecond.length - 1) : perSecond;
            System.out.printf("  number %s: sustained %.1f msg/s (mean of full seconds), busiest second %d, limit 80%n", e.getKey(),
                    Arrays.stream(full).average().orElse(0), Arrays.stream(perSecond).max().orElse(0));
        }
        if (lag.length > 0) {
            System.out.printf("  202 -> Graph call: p50 %d ms, p99 %d ms, max %d ms%n", lag[lag.length / 2], lag[(int) (lag.length * 0.99)],
                    lag[lag.length - 1]);
        }
    }
}
