package io.wabridge.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.inbound.TenantId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageTest {

    final Usage.Counts counts = (tenant, from, to) -> List.of(
            new Usage.Day(LocalDate.parse("2026-10-31"), Map.of("in#111", 5L, "out#111", 4L, "marketing#regular", 2L, "priced", 2L)),
            new Usage.Day(LocalDate.parse("2026-11-01"), Map.of("in#111", 1L, "in#222", 2L, "utility#regular", 10L,
                    "service#free_customer_service", 7L, "priced", 17L)));
    final Usage usage = new Usage(counts, new Usage.RateCard("USD", Map.of("marketing", new BigDecimal("0.025"),
            "utility", new BigDecimal("0.004"), "service", new BigDecimal("0.01")), new BigDecimal("20")));

    @Test
    void countsPerChannelAndCategoryWithACostThatSkipsFreeMessagesAndAddsTheMarkup() {
        var days = usage.report(new TenantId("acme"), LocalDate.parse("2026-10-31"), LocalDate.parse("2026-11-01"), false);
        assertThat(days).hasSize(2);
        assertThat(days.get(0).estimatedCost()).isEqualByComparingTo("0.06");          // 2 x 0.025 x 1.2
        assertThat(days.get(1).inbound()).containsEntry("111", 1L).containsEntry("222", 2L);
        assertThat(days.get(1).estimatedCost()).isEqualByComparingTo("0.048");         // 10 x 0.004 x 1.2; service was free
        var months = usage.report(new TenantId("acme"), LocalDate.parse("2026-10-31"), LocalDate.parse("2026-11-01"), true);
        assertThat(months).extracting(Usage.Period::period).containsExactly("2026-10", "2026-11");
        assertThatThrownBy(() -> usage.report(new TenantId("acme"), LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-01"), false))
                .isInstanceOf(SettingsRejected.class);
    }

    @Test
    void theDefaultCardChargesServiceMessagesFromOctober2026AndWhatMetaSaysIsFreeStaysFree() {
        Usage.Counts serviceDays = (tenant, from, to) -> List.of(
                new Usage.Day(LocalDate.parse("2026-09-30"), Map.of("service#regular", 100L, "priced", 100L)),
                new Usage.Day(LocalDate.parse("2026-10-04"), Map.of("service#regular", 100L, "service#free_customer_service", 50L,
                        "service#free_entry_point", 5L, "priced", 155L)));
        var days = new Usage(serviceDays, Usage.RateCard.DEFAULT).report(new TenantId("acme"), LocalDate.parse("2026-09-30"),
                LocalDate.parse("2026-10-04"), false);
        assertThat(days.get(0).estimatedCost()).as("before Meta charged service messages").isEqualByComparingTo("0");
        assertThat(days.get(1).estimatedCost()).as("100 charged service messages at the utility price").isEqualByComparingTo("0.40");
        var month = new Usage(serviceDays, Usage.RateCard.DEFAULT).report(new TenantId("acme"), LocalDate.parse("2026-09-30"),
                LocalDate.parse("2026-10-04"), true);
        assertThat(month.get(1).estimatedCost()).isEqualByComparingTo("0.40");
    }
}
