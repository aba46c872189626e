package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A tenant's usage per day or month: messages in and out per channel, messages Meta priced per category and
 * pricing type, and an estimated cost from a rate card (price per billable message by category; Meta does
 * not charge {@code free_customer_service} or {@code free_entry_point}) plus an optional markup for
 * Solution Partners who re-bill.
 */
public final class Usage {

    /** The counters of one day, as stored: {@code in#{pn}}, {@code out#{pn}}, {@code {category}#{type}}, {@code priced}. */
    public record Day(LocalDate day, Map<String, Long> counters) {}

    public interface Counts {
        List<Day> days(TenantId tenant, LocalDate from, LocalDate to);
    }

    public record RateCard(String currency, Map<String, BigDecimal> perMessage, BigDecimal markupPercent) {}

    public record Period(String period, Map<String, Long> inbound, Map<String, Long> outbound, Map<String, Long> priced,
                         BigDecimal estimatedCost) {}

    public static final int MAX_DAYS = 366;

    private final Counts counts;
    private final RateCard rates;

    public Usage(Counts counts, RateCard rates) {
        this.counts = Objects.requireNonNull(counts);
        this.rates = Objects.requireNonNull(rates);
    }

    public RateCard rates() {
        return rates;
    }

    public List<Period> report(TenantId tenant, LocalDate from, LocalDate to, boolean monthly) {
        if (to.isBefore(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new SettingsRejected("to", "to must be on or after from, at most " + MAX_DAYS + " days later");
        }
        Map<String, Map<String, Long>> byPeriod = new TreeMap<>();
        for (Day d : counts.days(tenant, from, to)) {
            String period = monthly ? d.day().toString().substring(0, 7) : d.day().toString();
            d.counters().forEach((k, v) -> byPeriod.computeIfAbsent(period, p -> new TreeMap<>()).merge(k, v, Long::sum));
        }
        return byPeriod.entrySet().stream().map(e -> period(e.getKey(), e.getValue())).toList();
    }

    private Period period(String period, Map<String, Long> counters) {
        Map<String, Long> in = new LinkedHashMap<>();
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Long> priced = new LinkedHashMap<>();
        BigDecimal cost = BigDecimal.ZERO;
        for (var c : counters.entrySet()) {
            String key = c.getKey();
            if (key.startsWith("in#")) {
                in.put(key.substring(3), c.getValue());
            } else if (key.startsWith("out#")) {
                out.put(key.substring(4), c.getValue());
            } else if (key.contains("#")) {
                priced.put(key, c.getValue());
                String category = key.substring(0, key.indexOf('#')).toLowerCase(java.util.Locale.ROOT);
                String type = key.substring(key.indexOf('#') + 1);
                if (!type.startsWith("free")) {
                    cost = cost.add(rates.perMessage().getOrDefault(category, BigDecimal.ZERO).multiply(BigDecimal.valueOf(c.getValue())));
                }
            }
        }
        BigDecimal withMarkup = cost.multiply(BigDecimal.ONE.add(rates.markupPercent().movePointLeft(2))).setScale(4, RoundingMode.HALF_UP);
        return new Period(period, in, out, priced, withMarkup);
    }
}
