package io.wabridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.local.LocalRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small soak on the real local runtime: 2 tenants, 24 sends and 24 user messages while the consumers crash
 * every few seconds, DynamoDB throttles writes, Meta answers sends with 5xx and throughput errors and duplicates
 * and reorders webhooks; the checker must find every promise held. Timeouts and lost answers are left to
 * {@code ./wabridge bench soak}: their 60-second confirmation wait would make this test minutes long.
 */
class SoakBenchTest {

    @TempDir
    Path data;

    @Test
    void nothingIsLostOrDoubledUnderCrashesThrottlingAndGraphErrors() throws Exception {
        SoakBench.Plan plan = new SoakBench.Plan(2, 4, 24, 24, 35, 0.2, 0.05, 5, 1, false, false,
                Duration.ofSeconds(10), Duration.ofMinutes(4));
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")).withDynamoThrottle().withDynamoInMemory())) {
            SoakChecker.Result result = SoakBench.run(runtime, plan, System.out);

            assertThat(result.problems()).isEmpty();
            Map<String, Long> counts = result.counts();
            assertThat(counts).containsEntry("sends accepted (202)", 24L).containsEntry("sends taken by Meta (sent)", 24L)
                    .containsEntry("messages stored exactly once", 24L).containsEntry("sends Meta took more than once", 0L)
                    .containsEntry("statuses recorded", 72L).containsEntry("messages at their highest status", 24L);
            assertThat(runtime.eventSources("InboundFunction").get(0).crashes()
                    + runtime.eventSources("OutboundFunction").get(0).crashes()).isPositive();
            assertThat(runtime.sandbox().faults().fired()).isNotEmpty();
        }
    }
}
