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
 * pricing type, and an estimated cost from a rate card (price per billable message by category; Meta's
 * pricing type says what is free: {@code free_customer_service}, {@code free_entry_point}) plus an optional
 * markup for Solution Partners who re-bill. Service messages are charged from 1 October 2026
 * ({@link #SERVICE_CHARGED_FROM}); before that day a service message costs nothing whatever its type.
 */
public final class Usage {

    /** The counters of one day, as stored: {@code in#{pn}}, {@code out#{pn}}, {@code {category}#{type}}, {@code priced}. */
    public record Day(LocalDate day, Map<String, Long> counters) {}

    /** The counter of messages received on a channel. */
    public static String inbound(String phoneNumberId) {
        return "in#" + phoneNumberId;
    }

    /** The counter of messages Meta accepted from a channel. */
    public static String outbound(String phoneNumberId) {
        return "out#" + phoneNumberId;
    }

    /** The counter of all messages Meta priced. */
    public static final String PRICED = "priced";

    /** The pricing type counted when Meta gives none. */
    public static final String UNKNOWN_TYPE = "unknown";

    /** The counter of messages Meta priced in {@code category} with {@code type}. */
    public static String priced(String category, String type) {
        return category + "#" + (type == null ? UNKNOWN_TYPE : type);
    }

    public interface Counts {
        List<Day> days(TenantId tenant, LocalDate from, LocalDate to);
    }

    public record RateCard(String currency, Map<String, BigDecimal> perMessage, BigDecimal markupPercent) {
        /**
         * The default card (USD), as in {@code template.yaml}'s {@code UsageRateCard}: service priced as utility, as Meta
         * charges service messages from 1 October 2026.
         */
        public static final RateCard DEFAULT = new RateCard("USD", Map.of("marketing", new BigDecimal("0.0250"),
                "utility", new BigDecimal("0.0040"), "authentication", new BigDecimal("0.0040"), "service", new BigDecimal("0.0040")),
                BigDecimal.ZERO);
    }

    /** The first day Meta charges service messages (whatsapp-platform.md: "Effective October 1, 2026"). */
    public static final LocalDate SERVICE_CHARGED_FROM = LocalDate.of(2026, 10, 1);

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
        Map<String, BigDecimal> costs = new TreeMap<>();
        for (Day d : counts.days(tenant, from, to)) {
            String period = monthly ? d.day().toString().substring(0, 7) : d.day().toString();
            d.counters().forEach((k, v) -> byPeriod.computeIfAbsent(period, p -> new TreeMap<>()).merge(k, v, Long::sum));
            costs.merge(period, cost(d), BigDecimal::add);
        }
        return byPeriod.entrySet().stream().map(e -> period(e.getKey(), e.getValue(), costs.get(e.getKey()))).toList();
    }

    /** A day's cost by the rate card: each priced message of a type Meta charges, service only from its first charged day. */
    private BigDecimal cost(Day d) {
        BigDecimal cost = BigDecimal.ZERO;
        for (var c : d.counters().entrySet()) {
            String key = c.getKey();
            if (key.startsWith("in#") || key.startsWith("out#") || !key.contains("#")) {
                continue;
            }
            String category = key.substring(0, key.indexOf('#')).toLowerCase(java.util.Locale.ROOT);
            String type = key.substring(key.indexOf('#') + 1);
            if (type.startsWith("free") || (category.equals("service") && d.day().isBefore(SERVICE_CHARGED_FROM))) {
                continue;
            }
            cost = cost.add(rates.perMessage().getOrDefault(category, BigDecimal.ZERO).multiply(BigDecimal.valueOf(c.getValue())));
        }
        return cost;
    }

    private Period period(String period, Map<String, Long> counters, BigDecimal cost) {
        Map<String, Long> in = new LinkedHashMap<>();
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Long> priced = new LinkedHashMap<>();
        for (var c : counters.entrySet()) {
            String key = c.getKey();
            if (key.startsWith("in#")) {
                in.put(key.substring(3), c.getValue());
            } else if (key.startsWith("out#")) {
                out.put(key.substring(4), c.getValue());
            } else if (key.contains("#")) {
                priced.put(key, c.getValue());
            }
        }
        BigDecimal withMarkup = cost.multiply(BigDecimal.ONE.add(rates.markupPercent().movePointLeft(2))).setScale(4, RoundingMode.HALF_UP);
        return new Period(period, in, out, priced, withMarkup);
    }
}
