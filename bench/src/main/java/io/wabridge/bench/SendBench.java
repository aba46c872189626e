package io.wabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.lambda.LocalFunction;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Outbound pacing on the local runtime: N numbers connected through WaBridge's signup API, each with users
 * who wrote (so the window is open), then {@code --sends} sends in all, round-robin over the numbers, through
 * {@code POST /v1/messages} as fast as the API takes them (64 in flight). Prints, from the Meta sandbox's
 * call record: the sustained Graph send rate in total and per number, the sends Meta refused by code
 * (130429 throughput, 131056 pair rate; the goal is none), other errors, and the time from the API's 202 to
 * the Graph call (p50/p99); and, from the local runtime, the sender's invocations, their failures (errors
 * and timeouts) and what is left in the dead-letter queue. The sender runs with the local runtime's 4
 * pollers on this machine's cores, next to DynamoDB Local and ElasticMQ: local figures, not Lambda's.
 * The whole run is bounded by {@code --minutes} (default 9): sends not made by then are counted, not waited for.
 */
final class SendBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sends per user and number at most: well inside Meta's pair burst (45, then one per 6 s). */
    private static final int SENDS_PER_USER = 10;

    private SendBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int numbers = Integer.parseInt(flags.getOrDefault("numbers", "1"));
        int sends = Integer.parseInt(flags.getOrDefault("sends", "2000"));
        int perNumber = (sends + numbers - 1) / numbers;
        int users = Integer.parseInt(flags.getOrDefault("users",
                Integer.toString(Math.max(1, Math.min(200, (perNumber + SENDS_PER_USER - 1) / SENDS_PER_USER)))));
        // --statuses late: Meta's status webhooks are held back 10 minutes, so the figure is the sender's alone.
        boolean lateStatuses = flags.getOrDefault("statuses", "on").equals("late");
        long runDeadline = System.nanoTime() + Duration.ofSeconds((long) (Double.parseDouble(flags.getOrDefault("minutes", "9")) * 60)).toNanos();
        Path data = Files.createTempDirectory("wabridge-bench");
        // The API's per-tenant rate limit is lifted: the figure is the sender's pace, not the bench tenant's plan.
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")))) {
            MetaSandbox meta = runtime.sandbox();
            meta.statusStepMillis(50);
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            String jwt = "Bearer " + runtime.token("bench", Duration.ofHours(1));
            Instant setup = Instant.now();
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
            System.out.printf("set-up: %d numbers connected, %d users each wrote, in %.1f s%n", numbers, users,
                    Duration.between(setup, Instant.now()).toMillis() / 1000.0);
            if (lateStatuses) {
                meta.webhooks().chaos(new io.wabridge.sandbox.WebhookDispatcher.Chaos(0, false, 600_000));
            }
            LocalFunction sender = runtime.function("OutboundFunction");
            LocalFunction.Stats senderBefore = sender.stats();
            int before = meta.calls().size();
            Map<String, Instant> accepted = new ConcurrentHashMap<>();
            Map<Integer, Integer> refusedByApi = new ConcurrentHashMap<>();
            List<CompletableFuture<?>> pending = new ArrayList<>();
            Instant started = Instant.now();
            int offered = 0;
            offer:
            for (int i = 0; i < perNumber; i++) {
                for (SandboxState.Customer c : channels) {
                    if (i * numbers + channels.indexOf(c) >= sends) {
                        break;
                    }
                    if (System.nanoTime() > runDeadline) {
                        System.out.printf("  (--minutes reached while offering: %d of %d sends offered)%n", offered, sends);
                        break offer;
                    }
                    offered++;
                    String body = JSON.writeValueAsString(Map.of("channel", c.phoneNumberId(), "to", user(i % users), "type", "text",
                            "text", Map.of("body", "bench " + i)));
                    pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                                    .header("authorization", jwt).header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                            .thenAccept(r -> {
                                if (r.statusCode() != 202) {
                                    refusedByApi.merge(r.statusCode(), 1, Integer::sum);
                                    return;
                                }
                                try {
                                    accepted.put(JSON.readTree(r.body()).path("id").asText(), Instant.now());
                                } catch (Exception e) {
                                    throw new IllegalStateException("unreadable 202 answer", e);
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
            while (sentCount(meta, before) < total && System.nanoTime() < runDeadline) {
                Thread.sleep(500);
            }
            Instant stopped = Instant.now();
            LocalFunction.Stats senderAfter = sender.stats();
            String dlq = runtime.resources().queueUrls().get("OutboundDeadLetterQueue");
            String dlqDepth = dlq == null ? "?" : runtime.sqs().getQueueAttributes(r -> r.queueUrl(dlq)
                    .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages");
            report(meta.calls().subList(before, meta.calls().size()), accepted, refusedByApi, numbers, offered, total, started, allAccepted, stopped,
                    senderAfter.invocations() - senderBefore.invocations(), senderAfter.errors() - senderBefore.errors(), dlqDepth);
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

    private static void report(List<MetaSandbox.Call> calls, Map<String, Instant> accepted, Map<Integer, Integer> refusedByApi, int numbers,
                               int offered, int total, Instant started, Instant allAccepted, Instant stopped, long invocations, long failedInvocations,
                               String dlqDepth) throws Exception {
        Map<String, List<Instant>> perNumber = new TreeMap<>();
        Map<String, TreeMap<Long, Integer>> perNumberSecond = new HashMap<>();
        Map<Integer, Integer> refusedByMeta = new TreeMap<>();
        List<Long> lagMillis = new ArrayList<>();
        java.util.Set<String> sent = new java.util.HashSet<>();
        int attempts = 0;
        int ok = 0;
        Instant first = null;
        Instant last = null;
        for (MetaSandbox.Call c : calls) {
            if (!c.method().equals("POST") || !c.path().endsWith("/messages")) {
                continue;
            }
            attempts++;
            if (c.status() != 200) {
                refusedByMeta.merge(c.code(), 1, Integer::sum);
                continue;
            }
            ok++;
            Instant at = Instant.parse(c.at());
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
            String number = c.path().replaceAll(".*/([0-9]+)/messages$", "$1");
            perNumber.computeIfAbsent(number, k -> new ArrayList<>()).add(at);
            perNumberSecond.computeIfAbsent(number, k -> new TreeMap<>()).merge(at.getEpochSecond(), 1, Integer::sum);
            String id = JSON.readTree(c.body()).path("biz_opaque_callback_data").asText();
            Instant acceptedAt = sent.add(id) ? accepted.get(id) : null;
            if (acceptedAt != null) {
                lagMillis.add(Duration.between(acceptedAt, at).toMillis());
            }
        }
        long acceptMillis = Math.max(1, Duration.between(started, allAccepted).toMillis());
        System.out.printf("outbound: %d numbers, %d sends offered, %d accepted by POST /v1/messages (202) in %.1f s (%.1f/s)%s%n", numbers,
                offered, total, acceptMillis / 1000.0, total * 1000.0 / acceptMillis, refusedByApi.isEmpty() ? "" : ", refused by the API " + refusedByApi);
        long windowMillis = first == null ? 0 : Math.max(1, Duration.between(first, last).toMillis());
        System.out.printf("  Graph sends Meta accepted: %d of %d accepted sends in %.1f s: %.1f/s in total, %.2f/s per number (mean)%n", ok, total,
                windowMillis / 1000.0, ok * 1000.0 / Math.max(1, windowMillis), ok * 1000.0 / Math.max(1, windowMillis) / numbers);
        int throughput = refusedByMeta.getOrDefault(130429, 0);
        int pair = refusedByMeta.getOrDefault(131056, 0);
        int other = attempts - ok - throughput - pair;
        System.out.printf("  Graph calls %d: refused 130429 (throughput) %d (%.2f%%), 131056 (pair rate) %d (%.2f%%), other errors %d %s%n", attempts,
                throughput, 100.0 * throughput / Math.max(1, attempts), pair, 100.0 * pair / Math.max(1, attempts), other,
                other == 0 ? "" : refusedByMeta);
        // Per number: its sends over its own first-to-last span, and its busiest second against Meta's 80/s.
        double[] rates = perNumber.values().stream().mapToDouble(at -> {
            long span = Duration.between(at.stream().min(Instant::compareTo).orElseThrow(), at.stream().max(Instant::compareTo).orElseThrow()).toMillis();
            return at.size() * 1000.0 / Math.max(1000, span);
        }).sorted().toArray();
        int busiest = perNumberSecond.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).max().orElse(0);
        if (rates.length > 0) {
            System.out.printf("  per number (its own first to last send): min %.1f/s, median %.1f/s, max %.1f/s; busiest second of any number %d (Meta's limit 80)%n",
                    rates[0], rates[rates.length / 2], rates[rates.length - 1], busiest);
        }
        long[] lag = lagMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        if (lag.length > 0) {
            System.out.printf("  202 -> Graph call: p50 %d ms, p99 %d ms, max %d ms%n", lag[lag.length / 2], lag[(int) (lag.length * 0.99)],
                    lag[lag.length - 1]);
        }
        System.out.printf("  sender: %d OutboundFunction invocations, %d failed (error or timeout); not sent when the run ended: %d; sent twice: %d; outbound DLQ: %s; run %.1f s after the first send%n",
                invocations, failedInvocations, total - sent.size(), ok - sent.size(), dlqDepth, Duration.between(started, stopped).toMillis() / 1000.0);
    }
}
