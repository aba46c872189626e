package io.wabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.events.SqsEventSource;
import io.wabridge.localaws.DynamoDbThrottle;
import io.wabridge.sandbox.Faults;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import io.wabridge.sandbox.WebhookDispatcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The soak with faults: many tenants' users write (inbound messages) while the tenants send through
 * {@code POST /v1/messages} (whose sent, delivered and read statuses come back as webhooks: 3 statuses to each
 * message), and meanwhile the harness injects faults: Graph 5xx, throughput errors (130429, 4), timeouts and
 * answers lost after Meta took the send; crashes of the inbound and outbound consumers mid-batch (restarted a
 * moment later); throttled DynamoDB writes; duplicated and reordered webhooks. Then the faults stop, the run
 * waits until every queue is empty and Meta has nothing left to deliver, and {@link SoakChecker} proves from
 * the table, the dead-letter queues and the sandbox's records that nothing was lost or doubled.
 */
final class SoakBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENDS = "/messages$";

    private SoakBench() {}

    /** What the run does; {@link #standard()} fits in a few minutes on 2 cores, {@link #longRun()} is the size. */
    record Plan(int tenants, int usersPerTenant, int sends, int messages, int visibilitySeconds, double duplicateShare,
                double throttleShare, int crashEverySeconds, int graphFaultEverySeconds, boolean timeouts, boolean lostAnswers,
                Duration faultTail, Duration settleLimit) {
        static Plan standard() {
            return new Plan(10, 30, 1_000, 1_000, 35, 0.05, 0.02, 20, 2, true, true, Duration.ofMinutes(1), Duration.ofMinutes(6));
        }

        /**
         * 20 tenants x 25 users (500 conversations): ElasticMQ's FIFO receive picks a message group from a set it
         * rebuilds from every group with messages, on every attempt, so with 2,000 conversations and a backlog that
         * alone took 40% of the run's CPU (JFR); real SQS has no such cost.
         */
        static Plan longRun() {
            return new Plan(20, 25, 25_000, 25_000, 35, 0.05, 0.02, 30, 2, true, true, Duration.ofMinutes(2), Duration.ofMinutes(120));
        }


        int updates() {
            return messages + 3 * sends;
        }
    }

    /** What the harness did. */
    static final class Injected {
        final AtomicLong crashes = new AtomicLong();
        final Map<String, AtomicLong> crashesByFunction = new ConcurrentHashMap<>();
    }

    static void main(String[] args) throws Exception {
        boolean longRun = Arrays.asList(args).contains("--long");
        Map<String, String> flags = Main.flags(Arrays.stream(args).filter(a -> !a.equals("--long")).toArray(String[]::new));
        Plan base = longRun ? Plan.longRun() : Plan.standard();
        int sends = Integer.parseInt(flags.getOrDefault("sends", Integer.toString(base.sends())));
        Plan plan = new Plan(Integer.parseInt(flags.getOrDefault("tenants", Integer.toString(base.tenants()))),
                Integer.parseInt(flags.getOrDefault("users", Integer.toString(base.usersPerTenant()))), sends,
                Integer.parseInt(flags.getOrDefault("messages", Integer.toString(sends))), base.visibilitySeconds(),
                base.duplicateShare(), base.throttleShare(), base.crashEverySeconds(), base.graphFaultEverySeconds(), base.timeouts(), !"off".equals(flags.get("lost-answers")), base.faultTail(),
                base.settleLimit());
        Path data = Files.createTempDirectory("wabridge-soak");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")).withDynamoThrottle().withDynamoInMemory())) {
            SoakChecker.Result result = run(runtime, plan, System.out);
            System.exit(result.ok() ? 0 : 1);
        }
    }

    /** Runs the soak on a started runtime (with the DynamoDB throttle front) and prints the report. */
    static SoakChecker.Result run(LocalRuntime runtime, Plan plan, java.io.PrintStream out) throws Exception {
        MetaSandbox meta = runtime.sandbox();
        meta.statusStepMillis(50);
        // Meta retries a refused delivery for 7 days; here for about 4 minutes (250 ms doubling, 10 attempts).
        meta.webhooks().retries(250, 10);
        // A crashed consumer's messages come back after the queue's visibility timeout: the template's 6x the
        // function timeout would hold each crashed conversation for 3 (inbound) or 6 (outbound) minutes, so the soak
        // uses 5 s more than each consumer's timeout (30 s inbound, 60 s outbound): no message is handed out again
        // while an invocation may still run.
        Map<String, Integer> visibility = Map.of("InboundQueue", plan.visibilitySeconds(), "OutboundQueue", plan.visibilitySeconds() + 30);
        visibility.forEach((queue, seconds) -> runtime.sqs().setQueueAttributes(r -> r.queueUrl(runtime.resources().queueUrls().get(queue))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(seconds)))));
        // The runtime verifies Meta's callback once at start (a GET with a 5 s timeout); on a loaded machine that
        // can fail, and then Meta delivers nothing: verify again until it holds.
        for (int attempt = 0; !meta.configureCallback(runtime.baseUrl() + "/webhook", runtime.webhookVerifyTokenValue()); attempt++) {
            if (attempt == 10) {
                throw new IllegalStateException("the Meta sandbox cannot verify the webhook callback");
            }
            Thread.sleep(1000);
        }
        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(5)).build();
        long started = System.nanoTime();

        // Tenants connect a number each through the signup API; every user writes once (opens the window).
        List<SandboxState.Customer> channels = new ArrayList<>();
        List<String> jwts = new ArrayList<>();
        for (int t = 0; t < plan.tenants(); t++) {
            String jwt = "Bearer " + runtime.token("soak-" + t, Duration.ofHours(6));
            jwts.add(jwt);
            channels.add(SendBench.connect(runtime, meta, http, jwt, t));
        }
        int openers = 0;
        for (SandboxState.Customer c : channels) {
            for (int u = 0; u < plan.usersPerTenant(); u++) {
                meta.userSendsText(SendBench.user(u), c.phoneNumberId(), "hi");
                openers++;
            }
        }
        long openDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (int t = 0; t < plan.tenants(); t++) {
            while (SendBench.conversations(runtime, http, jwts.get(t), channels.get(t).phoneNumberId()) < plan.usersPerTenant()) {
                if (System.nanoTime() > openDeadline) {
                    throw new IllegalStateException("the users' first messages were not all stored within 5 minutes");
                }
                Thread.sleep(500);
            }
        }
        long setUp = System.nanoTime();
        out.printf("soak: %d tenants x %d users set up in %.1f s; now %d sends and %d more user messages under faults%n",
                plan.tenants(), plan.usersPerTenant(), (setUp - started) / 1e9, plan.sends(), Math.max(0, plan.messages() - openers));

        // Faults on.
        Injected injected = new Injected();
        AtomicBoolean faulting = new AtomicBoolean(true);
        meta.webhooks().chaos(new WebhookDispatcher.Chaos(plan.duplicateShare(), true, 0));
        DynamoDbThrottle throttle = runtime.dynamoThrottle().orElseThrow(() -> new IllegalStateException("start the runtime withDynamoThrottle()"));
        throttle.throttleWrites(plan.throttleShare());
        Thread injector = Thread.ofPlatform().name("soak-faults").start(() -> inject(runtime, plan, faulting, injected));

        // Load: sends through the API (retried with the same Idempotency-Key, as a client would), and user messages.
        Map<String, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        Semaphore inFlight = new Semaphore(32);
        int more = Math.max(0, plan.messages() - openers);
        int userMessages = 0;
        for (int i = 0; i < plan.sends(); i++) {
            int t = i % plan.tenants();
            String to = SendBench.user((i / plan.tenants()) % plan.usersPerTenant());
            inFlight.acquire();
            String key = "soak-" + i;
            String body = JSON.writeValueAsString(Map.of("channel", channels.get(t).phoneNumberId(), "to", to, "type", "text",
                    "text", Map.of("body", "soak " + i)));
            String tenant = "soak-" + t;
            String jwt = jwts.get(t);
            Thread.startVirtualThread(() -> {
                try {
                    String id = send(runtime, http, jwt, key, body);
                    if (id == null) {
                        refused.incrementAndGet();
                    } else {
                        accepted.put(id, tenant);
                    }
                } finally {
                    inFlight.release();
                }
            });
            // Interleave the users' own messages with the sends.
            while (userMessages < (long) more * (i + 1) / plan.sends()) {
                SandboxState.Customer c = channels.get(userMessages % plan.tenants());
                meta.userSendsText(SendBench.user(ThreadLocalRandom.current().nextInt(plan.usersPerTenant())), c.phoneNumberId(), "again");
                userMessages++;
            }
        }
        inFlight.acquire(32);
        long loaded = System.nanoTime();
        out.printf("  load driven in %.1f s: %d sends accepted (202), %d refused by the API; %d user messages%n",
                (loaded - setUp) / 1e9, accepted.size(), refused.get(), openers + userMessages);

        // Faults go on while the backlog is worked off (for at most the plan's tail), then stop.
        long faultsUntil = System.nanoTime() + plan.faultTail().toNanos();
        while (System.nanoTime() < faultsUntil && !quiet(runtime)) {
            Thread.sleep(1000);
        }
        faulting.set(false);
        injector.join();
        meta.faults().clear();
        meta.webhooks().chaos(WebhookDispatcher.Chaos.NONE);
        throttle.throttleWrites(0);
        long faultsOff = System.nanoTime();

        // Settle: every queue empty and Meta with nothing left to deliver, three checks in a row.
        long deadline = System.nanoTime() + plan.settleLimit().toNanos();
        int quietChecks = 0;
        while (quietChecks < 3 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            quietChecks = quiet(runtime) && meta.webhooks().idle() ? quietChecks + 1 : 0;
        }
        long settled = System.nanoTime();
        boolean timedOut = quietChecks < 3;

        SoakChecker.Result result = new SoakChecker(runtime).check(accepted);
        long checked = System.nanoTime();
        report(out, plan, runtime, injected, throttle, result, timedOut, started, setUp, loaded, faultsOff, settled, checked);
        return result;
    }

    /** POST /v1/messages, retried on 5xx or no answer with the same Idempotency-Key; the message id on 202, else null. */
    private static String send(LocalRuntime runtime, HttpClient http, String jwt, String key, String body) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                        .timeout(Duration.ofSeconds(40)).header("authorization", jwt).header("content-type", "application/json")
                        .header("idempotency-key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    return JSON.readTree(r.body()).path("id").asText();
                }
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    return null;
                }
            } catch (java.io.IOException e) {
                // no answer: try again with the same key
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            sleep(500L << attempt);
        }
        return null;
    }

    /** The fault schedule: a Graph fault every few seconds, a consumer crash every so often. */
    private static void inject(LocalRuntime runtime, Plan plan, AtomicBoolean faulting, Injected injected) {
        Faults faults = runtime.sandbox().faults();
        List<String> consumers = List.of("InboundFunction", "OutboundFunction");
        long nextCrash = System.nanoTime() + Duration.ofSeconds(plan.crashEverySeconds() / 2).toNanos();
        int tick = 0;
        while (faulting.get()) {
            switch (tick++ % 6) {
                case 0 -> faults.add(Faults.Rule.status(SENDS, 500, 2));
                case 1 -> faults.add(Faults.Rule.graphError(SENDS, 130429, 2));
                case 2 -> faults.add(plan.timeouts() ? Faults.Rule.timeout(SENDS, 1_000, 1) : Faults.Rule.status(SENDS, 500, 1));
                case 3 -> faults.add(Faults.Rule.status(SENDS, 503, 2));
                case 4 -> faults.add(Faults.Rule.graphError(SENDS, 4, 1));
                default -> faults.add(plan.lostAnswers() ? Faults.Rule.answerLost(SENDS, 1_000, 1) : Faults.Rule.status(SENDS, 502, 1));
            }
            if (System.nanoTime() >= nextCrash) {
                String function = consumers.get((int) (injected.crashes.get() % consumers.size()));
                try {
                    for (SqsEventSource source : runtime.eventSources(function)) {
                        source.crash();
                    }
                    injected.crashes.incrementAndGet();
                    injected.crashesByFunction.computeIfAbsent(function, k -> new AtomicLong()).incrementAndGet();
                    sleep(1_000 + ThreadLocalRandom.current().nextInt(2_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    runtime.eventSources(function).forEach(SqsEventSource::start);
                }
                nextCrash = System.nanoTime() + Duration.ofSeconds(plan.crashEverySeconds()).toNanos();
            }
            sleep(plan.graphFaultEverySeconds() * 1000L);
        }
    }

    /** True when the inbound and outbound queues hold nothing, visible, in flight or delayed. */
    private static boolean quiet(LocalRuntime runtime) {
        for (String queue : List.of("InboundQueue", "OutboundQueue")) {
            var attrs = runtime.sqs().getQueueAttributes(r -> r.queueUrl(runtime.resources().queueUrls().get(queue)).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            if (!attrs.values().stream().allMatch("0"::equals)) {
                return false;
            }
        }
        return true;
    }

    private static void report(java.io.PrintStream out, Plan plan, LocalRuntime runtime, Injected injected, DynamoDbThrottle throttle,
                               SoakChecker.Result result, boolean timedOut, long started, long setUp, long loaded, long faultsOff,
                               long settled, long checked) {
        out.println();
        out.println("faults injected:");
        runtime.sandbox().faults().fired().forEach((kind, n) -> out.printf("  Graph %-12s %,d%n", kind, n));
        out.printf("  consumer crashes   %,d (%s), messages abandoned mid-batch %,d%n", injected.crashes.get(),
                injected.crashesByFunction, runtime.eventSources("InboundFunction").stream().mapToLong(SqsEventSource::abandoned).sum()
                        + runtime.eventSources("OutboundFunction").stream().mapToLong(SqsEventSource::abandoned).sum());
        out.printf("  DynamoDB writes throttled %,d of %,d (%.1f%%)%n", throttle.throttled(), throttle.writes(),
                100.0 * throttle.throttled() / Math.max(1, throttle.writes()));
        out.printf("  webhooks: duplicated %.0f%% of POSTs, reordered%n", plan.duplicateShare() * 100);
        out.println("checker:");
        result.counts().forEach((name, n) -> out.printf("  %-55s %,d%n", name, n));
        double wall = (checked - started) / 1e9;
        double work = (settled - setUp) / 1e9;
        long updates = result.counts().getOrDefault("updates accepted, distinct", 0L);
        long sendsDone = result.counts().getOrDefault("sends taken by Meta (sent)", 0L);
        out.printf("time: set-up %.1f s, load %.1f s, faults off after %.1f s, settled after %.1f s%s, check %.1f s; wall %.1f s%n",
                (setUp - started) / 1e9, (loaded - setUp) / 1e9, (faultsOff - setUp) / 1e9, work,
                timedOut ? " (NOT settled: limit reached)" : "", (checked - settled) / 1e9, wall);
        out.printf("rates over the faulted run (%.1f s): %.1f updates/s stored, %.1f sends/s taken by Meta%n", work, updates / work, sendsDone / work);
        if (result.ok()) {
            out.println("RESULT: every promise held (nothing lost, nothing doubled)");
        } else {
            out.printf("RESULT: %d problems%n", result.problems().size());
            result.problems().stream().limit(40).forEach(p -> out.println("  " + p));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
