package io.wabridge.bench;

import io.wabridge.adapters.aws.DynamoDbCallBudget;
import io.wabridge.adapters.aws.DynamoDbChannels;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.health.CheckChannelHealth;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The channel health check over many channels on the local runtime: N channels seeded directly (sandbox
 * customers and numbers, channel items, sealed tokens; one tenant per WABA), one WABA holding {@code --big-waba}
 * of them, a tenth of the tokens expiring in 3 days. Then one run of every channel ({@code {"scope":"all"}}, the
 * heaviest a run can be) and one again at once. Prints the run's duration and outcome, the Graph calls made, the
 * most calls any WABA took from the health budget and that Meta counted as management calls in the hour,
 * against the limits, and how the scheduled runs would spread the channels over a period.
 */
final class HealthBench {

    private HealthBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int channels = Integer.parseInt(flags.getOrDefault("channels", "2000"));
        int bigWaba = Math.min(channels, Integer.parseInt(flags.getOrDefault("big-waba", "300")));
        Path data = Files.createTempDirectory("wabridge-bench");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null))) {
            MetaSandbox meta = runtime.sandbox();
            AppConfig config = AppConfig.of(runtime.function("ChannelHealthFunction").definition().environment());
            Wiring wiring = new Wiring(config);
            CheckChannelHealth.Settings settings = config.channelHealth();
            DynamoDbChannels store = new DynamoDbChannels(wiring.dynamo(), config.tableName());

            long seedStart = System.nanoTime();
            List<Seeded> seeded = seed(meta, wiring, store, channels, bigWaba);
            System.out.printf("seeded %d channels on %d WABAs (largest %d numbers) in %d ms%n", channels,
                    seeded.stream().map(Seeded::wabaId).distinct().count(), bigWaba, (System.nanoTime() - seedStart) / 1_000_000);

            int callsBefore = meta.calls().size();
            Instant started = Instant.now();
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) runtime.function("ChannelHealthFunction").invoke(Map.of("scope", "all"));
            Duration took = Duration.between(started, Instant.now());
            int graphCalls = meta.calls().size() - callsBefore;
            System.out.printf("run of every channel: %s%n", run);
            System.out.printf("  duration %.1f s (%.0f channels/s), Graph calls %d (%.2f per channel checked)%n", took.toMillis() / 1000.0,
                    channels * 1000.0 / Math.max(1, took.toMillis()), graphCalls, graphCalls / Math.max(1.0, ((Number) run.get("checked")).doubleValue()));

            DynamoDbCallBudget budget = new DynamoDbCallBudget(wiring.dynamo(), config.tableName());
            Set<String> wabas = new LinkedHashSet<>();
            seeded.forEach(s -> wabas.add(s.wabaId()));
            int maxBudget = 0;
            int maxMeta = 0;
            for (String waba : wabas) {
                maxBudget = Math.max(maxBudget, budget.taken(waba, started));
                maxMeta = Math.max(maxMeta, meta.managementCallsLastHour(waba));
            }
            System.out.printf("  max health calls per WABA in the hour: %d (budget %d); max management calls Meta counted per WABA: %d "
                    + "(limit 200, 5,000 active) -> %s%n", maxBudget, settings.wabaCallsPerHour(), maxMeta,
                    maxBudget <= settings.wabaCallsPerHour() && maxMeta <= 200 ? "within the limits" : "OVER THE LIMITS");

            @SuppressWarnings("unchecked")
            Map<String, Object> again = (Map<String, Object>) runtime.function("ChannelHealthFunction").invoke(Map.of("scope", "all"));
            System.out.printf("the same run again at once (overlap): checked %s, already claimed %s, skipped by budget %s%n",
                    again.get("checked"), again.get("alreadyClaimed"), again.get("skippedByBudget"));

            // How the scheduled runs spread these channels: each run takes the slots due at its time.
            long runs = settings.period().toSeconds() / settings.runEvery().toSeconds();
            int[] perRun = new int[(int) runs];
            Map<String, int[]> bigPerRun = new HashMap<>();
            for (Seeded s : seeded) {
                Instant due = settings.dueAt(Channel.healthSlot(s.phoneNumberId()), 0);
                int r = (int) (due.getEpochSecond() / settings.runEvery().toSeconds());
                perRun[r]++;
                if (s.wabaId().equals(seeded.get(0).wabaId())) {
                    bigPerRun.computeIfAbsent("big", k -> new int[(int) runs])[r]++;
                }
            }
            int[] big = bigPerRun.getOrDefault("big", new int[(int) runs]);
            int bigPerHour = 0;
            int runsPerHour = (int) Math.max(1, Duration.ofHours(1).toSeconds() / settings.runEvery().toSeconds());
            for (int r = 0; r < runs; r++) {
                int hour = 0;
                for (int k = r; k < Math.min(runs, r + runsPerHour); k++) {
                    hour += big[k];
                }
                bigPerHour = Math.max(bigPerHour, hour);
            }
            System.out.printf("scheduled: %d runs per %d-minute period, channels per run min %d / max %d; the %d-number WABA needs at most "
                            + "%d checks (%d calls, %d with refreshes) in any hour%n", runs, settings.period().toMinutes(),
                    java.util.Arrays.stream(perRun).min().orElse(0), java.util.Arrays.stream(perRun).max().orElse(0), bigWaba, bigPerHour,
                    bigPerHour * 2, bigPerHour * 4);
        }
    }

    record Seeded(String tenant, String businessId, String wabaId, String phoneNumberId) {}

    /** Channels straight into the sandbox, the table and the vault (no signup): what a fleet of connected tenants looks like. */
    private static List<Seeded> seed(MetaSandbox meta, Wiring wiring, DynamoDbChannels store, int count, int bigWaba) throws Exception {
        List<Seeded> out = new ArrayList<>();
        SandboxState.Customer big = meta.createCustomer("Big Retail", "6281000000000");
        for (int i = 0; i < count; i++) {
            if (i < bigWaba) {
                String number = i == 0 ? big.phoneNumberId() : meta.addNumber(big.wabaId(), "62810" + String.format("%08d", i));
                out.add(new Seeded("bench-big", big.businessId(), big.wabaId(), number));
            } else {
                SandboxState.Customer c = meta.createCustomer("Tenant " + i, "62820" + String.format("%08d", i));
                out.add(new Seeded("bench-" + i, c.businessId(), c.wabaId(), c.phoneNumberId()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; i < out.size(); i++) {
                Seeded s = out.get(i);
                boolean expiring = i % 10 == 3;
                pending.add(pool.submit(() -> {
                    meta.register(s.phoneNumberId());
                    meta.subscribe(s.wabaId());
                    String token = meta.businessToken(s.businessId(), expiring ? Duration.ofDays(3) : null);
                    wiring.tokenVault().put(new SecretContext(s.tenant(), s.phoneNumberId(), SecretField.BUSINESS_TOKEN), SecretValue.of(token));
                    store.save(new Channel(new TenantId(s.tenant()), s.phoneNumberId(), s.wabaId(), s.businessId(), null, null, "GREEN",
                            "TIER_2K", "STANDARD", Channel.Status.ACTIVE, expiring ? now.plus(Duration.ofDays(3)) : null, false, List.of(), now,
                            now, null));
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return out;
    }
}
