package io.wabridge.local.events;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.lambda.LocalFunction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the template's {@code Schedule} and {@code ScheduleV2} events: {@code rate(...)} and
 * {@code cron(...)} expressions (UTC), each invoking its function with a scheduled event (or the
 * event's {@code Input}). Any schedule can also be fired by hand.
 */
public final class LocalScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalScheduler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One schedule: {@code name} is {@code FunctionLogicalId.EventName}. */
    public record Schedule(String name, String expression, LocalFunction function, String input, String ruleArn,
                           String region, String accountId) {}

    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-scheduler").factory());
    private final java.util.concurrent.atomic.AtomicInteger firing = new java.util.concurrent.atomic.AtomicInteger();

    public void add(Schedule schedule) {
        schedules.put(schedule.name(), schedule);
    }

    public Map<String, Schedule> schedules() {
        return Map.copyOf(schedules);
    }

    public void start() {
        schedules.values().forEach(this::arm);
    }

    private void arm(Schedule s) {
        Optional<Instant> next = next(s.expression(), Instant.now());
        if (next.isEmpty()) {
            log.warn("schedule {} ({}) is not understood locally; fire it by hand", s.name(), s.expression());
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), next.get()).toMillis());
        timer.schedule(() -> {
            firing.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    fire(s.name());
                } finally {
                    firing.decrementAndGet();
                }
            });
            arm(s);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Whether no schedule is firing by itself now (a fire by hand runs in its caller's thread). */
    public boolean idle() {
        return firing.get() == 0;
    }

    /** Invokes the schedule's function now and returns what it returned. */
    public Object fire(String name) {
        Schedule s = schedules.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no schedule named " + name + "; known: " + schedules.keySet());
        }
        try {
            return s.function().invoke(event(s, s.function().inputType()));
        } catch (LocalFunction.InvocationFailed e) {
            throw new IllegalStateException("schedule " + name + " failed: " + e.getMessage(), e);
        }
    }

    private static Object event(Schedule s, Class<?> type) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> json = new LinkedHashMap<>();
        if (s.input() != null) {
            try {
                json.putAll(JSON.readValue(s.input(), Map.class));
            } catch (Exception e) {
                throw new IllegalArgumentException("schedule " + s.name() + " Input is not a JSON object");
            }
        } else {
            json.put("version", "0");
            json.put("id", UUID.randomUUID().toString());
            json.put("detail-type", "Scheduled Event");
            json.put("source", "aws.events");
            json.put("account", s.accountId());
            json.put("time", now.toString());
            json.put("region", s.region());
            json.put("resources", List.of(s.ruleArn()));
            json.put("detail", Map.of());
        }
        if (type == ScheduledEvent.class) {
            ScheduledEvent e = new ScheduledEvent();
            e.setVersion("0");
            e.setId(String.valueOf(json.getOrDefault("id", UUID.randomUUID().toString())));
            e.setDetailType("Scheduled Event");
            e.setSource("aws.events");
            e.setAccount(s.accountId());
            e.setRegion(s.region());
            e.setTime(new org.joda.time.DateTime(now.toEpochMilli(), org.joda.time.DateTimeZone.UTC));
            e.setResources(List.of(s.ruleArn()));
            e.setDetail(s.input() == null ? Map.of() : json);
            return e;
        }
        if (type == String.class) {
            try {
                return JSON.writeValueAsString(json);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return JSON.convertValue(json, type);
    }

    /** The next time after {@code after} that a {@code rate(...)} or {@code cron(...)} expression fires. */
    public static Optional<Instant> next(String expression, Instant after) {
        String e = expression.trim();
        if (e.startsWith("rate(") && e.endsWith(")")) {
            String[] parts = e.substring(5, e.length() - 1).trim().split("\\s+");
            long n = Long.parseLong(parts[0]);
            ChronoUnit unit = switch (parts[1].replaceAll("s$", "")) {
                case "minute" -> ChronoUnit.MINUTES;
                case "hour" -> ChronoUnit.HOURS;
                case "day" -> ChronoUnit.DAYS;
                default -> throw new IllegalArgumentException("bad rate unit in " + expression);
            };
            return Optional.of(after.plus(n, unit));
        }
        if (e.startsWith("cron(") && e.endsWith(")")) {
            return Cron.parse(e.substring(5, e.length() - 1)).map(c -> c.next(ZonedDateTime.ofInstant(after, ZoneOffset.UTC)));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
