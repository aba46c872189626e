package io.wabridge.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    private static final Instant T = Instant.parse("2026-11-21T10:15:30Z"); // a Saturday

    @Test
    void rateExpressions() {
        assertThat(LocalScheduler.next("rate(5 minutes)", T)).contains(Instant.parse("2026-11-21T10:20:30Z"));
        assertThat(LocalScheduler.next("rate(1 hour)", T)).contains(Instant.parse("2026-11-21T11:15:30Z"));
        assertThat(LocalScheduler.next("rate(1 day)", T)).contains(Instant.parse("2026-11-22T10:15:30Z"));
    }

    @Test
    void cronExpressionsInUtc() {
        assertThat(LocalScheduler.next("cron(0 3 * * ? *)", T)).contains(Instant.parse("2026-11-22T03:00:00Z"));
        assertThat(LocalScheduler.next("cron(0/15 * * * ? *)", T)).contains(Instant.parse("2026-11-21T10:30:00Z"));
        assertThat(LocalScheduler.next("cron(0 9 ? * MON-FRI *)", T)).contains(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(LocalScheduler.next("cron(30 8 1 JAN,JUL ? *)", T)).contains(Instant.parse("2027-01-01T08:30:00Z"));
        assertThat(LocalScheduler.next("cron(0 12 ? * 1 *)", T)).contains(Instant.parse("2026-11-22T12:00:00Z"));
    }

    @Test
    void formsNotUnderstoodLocallyAreLeftToManualFiring() {
        assertThat(LocalScheduler.next("cron(0 10 L * ? *)", T)).isEmpty();
        assertThat(LocalScheduler.next("cron(0 10 ? * 6#3 *)", T)).isEmpty();
        assertThat(LocalScheduler.next("at(2026-12-01T00:00:00)", T)).isEmpty();
    }
}
