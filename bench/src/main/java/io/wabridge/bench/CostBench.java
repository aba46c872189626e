package io.wabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.lambda.LocalFunction;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import io.wabridge.sandbox.WebhookDispatcher;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS cost per message, from the calls the real functions make on the local runtime. Two flows:
 * <ol>
 *   <li>inbound: users write {@code --inbound} messages to a connected number; Meta (the sandbox) delivers
 *       each in its own signed webhook POST; WaBridge verifies, queues, stores and publishes them;</li>
 *   <li>outbound: {@code --sends} sends through {@code POST /v1/messages}, each followed by its three status
 *       webhooks (sent, delivered, read), until every status is processed.</li>
 * </ol>
 * Every AWS SDK call is counted by {@link AwsCallCounter} (by caller, service and operation, with DynamoDB's
 * consumed capacity); Lambda invocations and their durations by the local runtime; log bytes by the calling
 * function. The harness's own calls (set-up, the bench's checks) are listed apart and not priced. Scheduled
 * functions that ran meanwhile are fixed costs, listed apart too. Prices come from {@code aws-prices.properties}.
 */
final class CostBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lambda's own lines per invocation (START, END, REPORT with an X-Ray trace id), bytes. */
    static final int PLATFORM_LOG_BYTES = 400;
    /** What a JSON log line (timestamp, level, logger, MDC ids) adds to the plain line counted locally, bytes. */
    static final int JSON_LOG_OVERHEAD = 150;

    private CostBench() {}

    /** What one flow cost: AWS calls, invocations and log output, for so many messages. */
    record Flow(String name, int messages, Map<AwsCallCounter.Key, AwsCallCounter.Tally> calls, Map<String, LocalFunction.Stats> invocations,
                Map<String, long[]> logs, int webhookUpdates, int events) {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int inbound = Integer.parseInt(flags.getOrDefault("inbound", "500"));
        int sends = Integer.parseInt(flags.getOrDefault("sends", "200"));
        int users = Integer.parseInt(flags.getOrDefault("users", "100"));
        int assumedMs = Integer.parseInt(flags.getOrDefault("assumed-ms", "100"));
        Properties prices = new Properties();
        try (InputStream in = CostBench.class.getResourceAsStream("/aws-prices.properties")) {
            prices.load(in);
        }
        String eumFee = flags.getOrDefault("eum-fee", prices.getProperty("eum.messageFee", ""));
        Path data = Files.createTempDirectory("wabridge-bench");
        LogCounter logs = LogCounter.install();
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")))) {
            MetaSandbox meta = runtime.sandbox();
            meta.statusStepMillis(50);
            // One update per POST, as Meta mostly delivers at low volume: the most webhook invocations per update.
            meta.webhooks().maxUpdatesPerPost(1);
            Map<String, String> handlers = new HashMap<>();
            runtime.functions().forEach((id, f) -> handlers.put(f.definition().handler().split("::")[0], id));
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            String jwt = "Bearer " + runtime.token("bench", Duration.ofHours(1));
            SandboxState.Customer channel = SendBench.connect(runtime, meta, http, jwt, 0);
            settle(runtime, meta);

            // Inbound: users write; each message is a webhook delivery of its own. In chunks of 25, each delivered
            // before the next, so nothing times out and is retried on this busy machine (a retry would be counted).
            Flow in = measure("inbound", () -> {
                for (int i = 0; i < inbound; i += 25) {
                    int from = meta.webhooks().deliveries().size();
                    for (int j = i; j < Math.min(inbound, i + 25); j++) {
                        meta.userSendsText(SendBench.user(j % users), channel.phoneNumberId(), "cost " + j);
                    }
                    awaitDelivered(meta, from);
                }
                return inbound;
            }, runtime, meta, handlers, logs);

            // Outbound: sends through the API to the users who wrote (their window is open), with their statuses.
            Flow out = measure("outbound", () -> {
                int before = meta.calls().size();
                java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
                List<CompletableFuture<?>> pending = new ArrayList<>();
                for (int i = 0; i < sends; i++) {
                    String body = JSON.writeValueAsString(Map.of("channel", channel.phoneNumberId(), "to", SendBench.user(i % users),
                            "type", "text", "text", Map.of("body", "cost " + i)));
                    pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                            .timeout(Duration.ofSeconds(60)).header("authorization", jwt).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                            .thenAccept(r -> {
                                if (r.statusCode() == 202) {
                                    accepted.incrementAndGet();
                                }
                            }));
                    if (pending.size() >= 4) {
                        pending.removeIf(CompletableFuture::isDone);
                        if (pending.size() >= 4) {
                            pending.get(0).join();
                        }
                    }
                }
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
                if (accepted.get() < sends) {
                    System.out.printf("  (the API accepted %d of %d sends; the figures are per accepted send)%n", accepted.get(), sends);
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (meta.calls().subList(before, meta.calls().size()).stream()
                        .filter(c -> c.path().endsWith("/messages") && c.status() == 200).count() < accepted.get() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                return accepted.get();
            }, runtime, meta, handlers, logs);
            report(List.of(in, out), runtime, prices, assumedMs, eumFee);
        } finally {
            logs.uninstall();
        }
    }

    /** A flow's work; answers how many messages it made. */
    interface Work {
        int run() throws Exception;
    }

    /** Until every webhook delivery from the {@code from}-th on got a 200 (or 2 minutes passed). */
    private static void awaitDelivered(MetaSandbox meta, int from) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            List<WebhookDispatcher.Delivery> d = meta.webhooks().deliveries();
            if (meta.webhooks().idle() && d.subList(Math.min(from, d.size()), d.size()).stream().allMatch(x -> x.delivered)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Runs one flow with the counters on, then waits until nothing is left in flight (webhooks, queues). */
    private static Flow measure(String name, Work work, LocalRuntime runtime, MetaSandbox meta, Map<String, String> handlers,
                                LogCounter logs) throws Exception {
        Map<String, LocalFunction.Stats> before = stats(runtime);
        int deliveriesBefore = meta.webhooks().deliveries().size();
        int eventsBefore = runtime.aws().events().received().size();
        logs.reset();
        AwsCallCounter.start(handlers);
        long started = System.nanoTime();
        int messages = work.run();
        awaitDelivered(meta, deliveriesBefore);
        settle(runtime, meta);
        AwsCallCounter.stop();
        Map<AwsCallCounter.Key, AwsCallCounter.Tally> calls = AwsCallCounter.drain();
        Map<String, LocalFunction.Stats> invocations = new TreeMap<>();
        stats(runtime).forEach((id, after) -> {
            LocalFunction.Stats b = before.get(id);
            LocalFunction.Stats d = new LocalFunction.Stats(after.invocations() - b.invocations(), after.errors() - b.errors(),
                    after.durationNanos() - b.durationNanos());
            if (d.invocations() > 0) {
                invocations.put(id, d);
            }
        });
        List<WebhookDispatcher.Delivery> deliveries = meta.webhooks().deliveries();
        List<WebhookDispatcher.Delivery> flowDeliveries = deliveries.subList(deliveriesBefore, deliveries.size());
        int updates = flowDeliveries.stream().filter(d -> !d.duplicate).mapToInt(d -> d.updates).sum();
        long retried = flowDeliveries.stream().filter(d -> d.statuses.size() > 1).count();
        long undelivered = flowDeliveries.stream().filter(d -> !d.delivered).count();
        long errors = invocations.values().stream().mapToLong(LocalFunction.Stats::errors).sum();
        System.out.printf("%s flow: %d messages, %d webhook updates (%d deliveries retried, %d undelivered), %d function errors, %.1f s on the local runtime%n",
                name, messages, updates, retried, undelivered, errors, (System.nanoTime() - started) / 1e9);
        int events = runtime.aws().events().received().size();
        if (events >= 10_000) {
            throw new IllegalStateException("the local bus keeps the last 10,000 events only: run fewer messages");
        }
        return new Flow(name, messages, calls, invocations, logs.snapshot(), updates, events - eventsBefore);
    }

    private static Map<String, LocalFunction.Stats> stats(LocalRuntime runtime) {
        Map<String, LocalFunction.Stats> out = new HashMap<>();
        runtime.functions().forEach((id, f) -> out.put(id, f.stats()));
        return out;
    }

    /** Until the sandbox has nothing to deliver and every queue (not the dead-letter ones) is empty twice in a row. */
    private static void settle(LocalRuntime runtime, MetaSandbox meta) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            boolean empty = meta.webhooks().idle() && runtime.resources().queueUrls().entrySet().stream()
                    .filter(e -> !e.getKey().contains("DeadLetter"))
                    .allMatch(e -> runtime.sqs().getQueueAttributes(r -> r.queueUrl(e.getValue()).attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes().values().stream().allMatch("0"::equals));
            quiet = empty ? quiet + 1 : 0;
        }
    }

    // ----- the report ---------------------------------------------------------------------------------------------

    private static void report(List<Flow> flows, LocalRuntime runtime, Properties prices, int assumedMs, String eumFee) {
        Map<String, String> queueKinds = new HashMap<>();
        runtime.resources().queueUrls().forEach((id, url) -> queueKinds.put(url.replaceAll(".*/", ""), url.endsWith(".fifo") ? "fifo" : "standard"));
        Map<String, Double> costPerMillion = new LinkedHashMap<>();
        for (Flow flow : flows) {
            double n = flow.messages();
            System.out.printf("%n== %s: per message (%d messages; %d webhook updates, %.2f per message) ==%n", flow.name(), flow.messages(),
                    flow.webhookUpdates(), flow.webhookUpdates() / n);
            Map<String, Double> cost = new LinkedHashMap<>();
            System.out.println("Lambda (local duration is this machine's, not Lambda's):");
            System.out.println("  function                  invocations/msg  local ms/inv  GB-s/msg (local)  GB-s/msg (at " + assumedMs + " ms)  errors");
            double gbsLocal = 0;
            double gbsAssumed = 0;
            double requests = 0;
            double apiRequests = 0;
            for (var e : flow.invocations().entrySet()) {
                String id = e.getKey();
                LocalFunction.Stats s = e.getValue();
                boolean fixed = SCHEDULED.contains(id);
                double memGb = runtime.function(id).definition().memoryMb() / 1024.0;
                double localMs = s.durationNanos() / 1e6 / s.invocations();
                System.out.printf("  %-25s %15.3f  %12.1f  %16.5f  %22.5f  %d%s%n", id, s.invocations() / n, localMs,
                        memGb * s.durationNanos() / 1e9 / n, memGb * assumedMs / 1000.0 * s.invocations() / n, s.errors(),
                        fixed ? "  (schedule: fixed cost, not priced per message)" : "");
                if (fixed) {
                    continue;
                }
                gbsLocal += memGb * s.durationNanos() / 1e9 / n;
                gbsAssumed += memGb * assumedMs / 1000.0 * s.invocations() / n;
                requests += s.invocations() / n;
                if (HTTP.contains(id)) {
                    apiRequests += s.invocations() / n;
                }
            }
            cost.put("Lambda requests", requests * price(prices, "lambda.request"));
            cost.put("Lambda duration (at " + assumedMs + " ms/invocation)", gbsAssumed * price(prices, "lambda.gbSecond"));
            cost.put("API Gateway HTTP API requests", apiRequests * price(prices, "apigateway.httpRequest"));

            System.out.println("AWS calls by the functions and Lambda's SQS pollers (per message; the harness's own calls below):");
            System.out.println("  caller                     service         operation                      calls/msg  billed/msg  RRU/msg  WRU/msg  entries/msg");
            Map<String, Double> serviceCost = new TreeMap<>();
            Map<String, double[]> harness = new TreeMap<>();
            List<Map.Entry<AwsCallCounter.Key, AwsCallCounter.Tally>> rows = new ArrayList<>(flow.calls().entrySet());
            rows.sort(Map.Entry.comparingByKey(java.util.Comparator.comparing(AwsCallCounter.Key::caller)
                    .thenComparing(AwsCallCounter.Key::service).thenComparing(AwsCallCounter.Key::operation)));
            long missingUnits = 0;
            long failedWrites = 0;
            long estimatedReads = 0;
            for (var e : rows) {
                AwsCallCounter.Key k = e.getKey();
                AwsCallCounter.Tally t = e.getValue();
                if (k.caller().equals(AwsCallCounter.HARNESS)) {
                    harness.computeIfAbsent(k.service() + " " + k.operation().split(" ")[0], x -> new double[1])[0] += t.calls.sum();
                    continue;
                }
                if (SCHEDULED.contains(k.caller())) {
                    continue;
                }
                double calls = t.calls.sum() / n;
                // Empty receives are the pollers' idle cost (here every second; Lambda long-polls 20 s): fixed, not per message.
                double billed = (t.chunks64k.sum() - t.empty.sum()) / n;
                double rru = t.readUnits.sum() / n;
                double wru = t.writeUnits.sum() / n;
                if (k.service().equals("DynamoDb")) {
                    missingUnits += t.unitsMissing.sum() - t.failed.sum();
                    if (!AwsCallCounter.isWrite(k.operation()) && t.readUnits.sum() == 0) {
                        // DynamoDB Local answered no read units (BatchGetItem): DynamoDB charges each key read, found or not;
                        // counted at 1 RRU per key (a strongly consistent read of up to 4 KB), an upper bound.
                        rru = Math.max(t.entries.sum(), t.calls.sum()) / n;
                        estimatedReads += t.calls.sum();
                    }
                    if (AwsCallCounter.isWrite(k.operation())) {
                        failedWrites += t.failed.sum();
                        // A refused conditional write still consumes write units (at least 1; 2 per item in a transaction).
                        wru += t.failed.sum() * (k.operation().equals("TransactWriteItems") ? 2.0 * t.entries.sum() / Math.max(1, t.calls.sum()) : 1.0) / n;
                    }
                }
                System.out.printf("  %-26s %-15s %-30s %9.3f  %10.3f  %7.3f  %7.3f  %11.3f%s%n", k.caller(), k.service(), k.operation(), calls,
                        billed, rru, wru, t.entries.sum() / n, t.empty.sum() > 0 ? "  (" + t.empty.sum() + " empty receives)" : "");
                double c = switch (k.service()) {
                    case "DynamoDb" -> rru * price(prices, "dynamodb.readRequestUnit") + wru * price(prices, "dynamodb.writeRequestUnit");
                    case "Sqs" -> billed * price(prices, "sqs." + queueKind(k, queueKinds) + "Request");
                    case "Kms" -> calls * price(prices, "kms.request");
                    case "S3" -> calls * price(prices, k.operation().startsWith("Get") || k.operation().startsWith("Head")
                            ? "s3.getRequest" : "s3.putRequest");
                    case "SecretsManager" -> calls * price(prices, "secretsmanager.request");
                    default -> 0.0;
                };
                serviceCost.merge(k.service(), c, Double::sum);
            }
            if (missingUnits > 0) {
                System.out.printf("  (DynamoDB answered %d calls without consumed capacity: their units are missing above)%n", missingUnits);
            }
            if (estimatedReads > 0) {
                System.out.printf("  (%d DynamoDB reads came back without read units; counted at 1 RRU per key requested)%n", estimatedReads);
            }
            if (failedWrites > 0) {
                System.out.printf("  (%d DynamoDB writes were refused by their condition; counted at 1 WRU each, 2 per item in a transaction)%n", failedWrites);
            }
            // EventBridge: PutEvents is signed by hand (not an SDK client): counted where the local bus receives it.
            System.out.printf("  %-26s %-15s %-30s %9.3f  %10.3f  %7s  %7s  %11.3f%n", "(functions)", "EventBridge", "PutEvents", flow.events() / n,
                    flow.events() / n, "", "", flow.events() / n);
            serviceCost.put("EventBridge", flow.events() / n * price(prices, "eventbridge.customEvent"));
            serviceCost.forEach((service, c) -> cost.put(label(service), c));
            long logBytes = 0;
            long logLines = 0;
            for (var e : flow.logs().entrySet()) {
                if (!e.getKey().equals(AwsCallCounter.HARNESS) && !SCHEDULED.contains(e.getKey())) {
                    logBytes += e.getValue()[0];
                    logLines += e.getValue()[1];
                }
            }
            double logPerMessage = (logBytes + JSON_LOG_OVERHEAD * logLines) / n + PLATFORM_LOG_BYTES * requests;
            System.out.printf("Logs: %.1f lines/msg, %.0f bytes/msg as JSON with Lambda's START/END/REPORT lines (estimate)%n", logLines / n, logPerMessage);
            cost.put("CloudWatch Logs ingestion", logPerMessage / 1e9 * price(prices, "cloudwatch.logsIngestedGb"));
            cost.put("X-Ray traces (sampled)", requests * price(prices, "xray.sampledShare") * price(prices, "xray.traceRecorded"));
            if (!harness.isEmpty()) {
                System.out.println("  harness calls (not priced): " + harness.entrySet().stream()
                        .map(h -> h.getKey() + " " + (long) h.getValue()[0]).reduce((a, b) -> a + ", " + b).orElse(""));
            }
            System.out.printf("Cost per million %s messages (USD, us-east-1 list prices, aws-prices.properties):%n", flow.name());
            double total = 0;
            for (var c : cost.entrySet()) {
                System.out.printf("  %-45s %10.2f%n", c.getKey(), c.getValue() * 1e6);
                total += c.getValue();
            }
            double localLambda = gbsLocal * price(prices, "lambda.gbSecond");
            double lambdaAssumed = cost.get("Lambda duration (at " + assumedMs + " ms/invocation)");
            System.out.printf("  %-45s %10.2f%n", "total", total * 1e6);
            System.out.printf("  (with this machine's local durations instead of %d ms: Lambda duration %.2f, total %.2f)%n", assumedMs,
                    localLambda * 1e6, (total - lambdaAssumed + localLambda) * 1e6);
            costPerMillion.put(flow.name(), total * 1e6);
        }
        System.out.println();
        if (costPerMillion.size() == 2) {
            double pair = costPerMillion.values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("1 inbound message + 1 outbound send (4 webhook updates, 1 message : 3 statuses): %.2f USD per million pairs, %.2f per million webhook updates%n",
                    pair, pair / 4);
        }
        System.out.println("Meta's own per-message fees are separate and not included.");
        if (eumFee == null || eumFee.isBlank()) {
            System.out.println("AWS End User Messaging Social charges an AWS fee F per message sent or received (no sourced figure here):");
            costPerMillion.forEach((flow, c) -> System.out.printf("  %s: WaBridge %.2f USD per million vs EUM Social F x 1,000,000 (WaBridge costs less when F > %.6f USD)%n",
                    flow, c, c / 1e6));
        } else {
            double fee = Double.parseDouble(eumFee);
            costPerMillion.forEach((flow, c) -> System.out.printf("  %s: WaBridge %.2f USD per million vs EUM Social %.2f USD per million (fee %s)%n",
                    flow, c, fee * 1e6, eumFee));
        }
    }

    private static String queueKind(AwsCallCounter.Key k, Map<String, String> kinds) {
        String queue = k.operation().contains(" ") ? k.operation().substring(k.operation().indexOf(' ') + 1) : "";
        return kinds.getOrDefault(queue, "standard");
    }

    private static String label(String service) {
        return switch (service) {
            case "DynamoDb" -> "DynamoDB on-demand (RRU + WRU)";
            case "Sqs" -> "SQS requests (64 KB chunks, FIFO/standard)";
            case "Kms" -> "KMS requests";
            case "EventBridge" -> "EventBridge custom events";
            case "S3" -> "S3 requests";
            case "SecretsManager" -> "Secrets Manager calls";
            default -> service;
        };
    }

    private static double price(Properties prices, String key) {
        String value = prices.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("aws-prices.properties has no " + key);
        }
        return Double.parseDouble(value);
    }

    /** Functions the template triggers by schedule (a fixed cost per minute, not per message). */
    private static final java.util.Set<String> SCHEDULED = new java.util.HashSet<>();
    /** Functions behind the HTTP API (each invocation is one API Gateway request). */
    private static final java.util.Set<String> HTTP = new java.util.HashSet<>();

    static {
        io.wabridge.local.template.SamTemplate template = io.wabridge.local.template.SamTemplate.load(Path.of("template.yaml"));
        template.functionEvents("Schedule", "ScheduleV2").forEach(e -> SCHEDULED.add(e.functionId()));
        template.functionEvents("HttpApi").forEach(e -> HTTP.add(e.functionId()));
    }

    /** Counts what is written to System.err (slf4j-simple's output) by the calling function. */
    static final class LogCounter extends OutputStream {
        private final PrintStream original;
        private final Map<String, LongAdder[]> byCaller = new ConcurrentHashMap<>();

        private LogCounter(PrintStream original) {
            this.original = original;
        }

        static LogCounter install() {
            LogCounter counter = new LogCounter(System.err);
            System.setErr(new PrintStream(counter, true));
            return counter;
        }

        void uninstall() {
            System.setErr(original);
        }

        void reset() {
            byCaller.clear();
        }

        Map<String, long[]> snapshot() {
            Map<String, long[]> out = new TreeMap<>();
            byCaller.forEach((k, v) -> out.put(k, new long[] {v[0].sum(), v[1].sum()}));
            return out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            LongAdder[] tally = byCaller.computeIfAbsent(AwsCallCounter.caller(), k -> new LongAdder[] {new LongAdder(), new LongAdder()});
            tally[0].add(len);
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    tally[1].increment();
                }
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
