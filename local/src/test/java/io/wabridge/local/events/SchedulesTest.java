package io.wabridge.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void rateExpressions() {
        assertThat(LocalScheduler.period("rate(5 minutes)")).isEqualTo(Duration.ofMinutes(5));
        assertThat(LocalScheduler.period("rate(1 minute)")).isEqualTo(Duration.ofMinutes(1));
        assertThat(LocalScheduler.period("rate(1 hour)")).isEqualTo(Duration.ofHours(1));
        assertThat(LocalScheduler.period(" rate(2 days) ")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void aCronScheduleIsRefusedNamingItsFunction() {
        try (LocalScheduler scheduler = new LocalScheduler()) {
            assertThatThrownBy(() -> scheduler.add(schedule("TickFunction.Nightly", "cron(0 3 * * ? *)")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("function TickFunction, schedule Nightly")
                    .hasMessageContaining("cron(0 3 * * ? *)")
                    .hasMessageContaining("only rate(...) is");
            assertThat(scheduler.schedules()).isEmpty();
        }
    }

    @Test
    void otherFormsAndBadRatesAreRefusedToo() {
        try (LocalScheduler scheduler = new LocalScheduler()) {
            for (String expression : new String[] {"at(2026-12-01T00:00:00)", "rate(5 weeks)", "rate(minutes)"}) {
                assertThatThrownBy(() -> scheduler.add(schedule("F.E", expression)))
                        .hasMessageContaining("function F, schedule E")
                        .hasMessageContaining("only rate(...) is");
            }
            scheduler.add(schedule("F.E", "rate(1 day)"));
            assertThat(scheduler.schedules()).containsOnlyKeys("F.E");
        }
    }

    private static LocalScheduler.Schedule schedule(String name, String expression) {
        return new LocalScheduler.Schedule(name, expression, null, null, "arn:aws:events:eu-west-1:000000000000:rule/x",
                "eu-west-1", "000000000000");
    }
}
