package io.wabridge.local.events;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.lambda.LocalFunction;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fires the template's {@code Schedule} and {@code ScheduleV2} events that use a {@code rate(...)}
 * expression, each invoking its function with a scheduled event (or the event's {@code Input}). Any
 * schedule can also be fired by hand. Other expressions ({@code cron(...)}, {@code at(...)}) are
 * refused when the schedule is added, naming its function, so the runtime does not start with a
 * schedule that would never fire.
 */
public final class LocalScheduler implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|hour|day)s?\\s*\\)");

    /** One schedule: {@code name} is {@code FunctionLogicalId.EventName}. */
    public record Schedule(String name, String expression, LocalFunction function, String input, String ruleArn,
                           String region, String accountId) {}

    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-scheduler").factory());

    /**
     * Adds a schedule.
     *
     * @throws IllegalArgumentException if its expression is not a {@code rate(...)}, naming the function
     */
    public void add(Schedule schedule) {
        try {
            period(schedule.expression());
        } catch (IllegalArgumentException e) {
            int dot = schedule.name().indexOf('.');
            throw new IllegalArgumentException("function " + schedule.name().substring(0, Math.max(dot, 0))
                    + ", schedule " + schedule.name().substring(dot + 1) + ": " + e.getMessage(), e);
        }
        schedules.put(schedule.name(), schedule);
    }

    public Map<String, Schedule> schedules() {
        return Map.copyOf(schedules);
    }

    public void start() {
        schedules.values().forEach(this::arm);
    }

    private void arm(Schedule s) {
        long delay = period(s.expression()).toMillis();
        timer.schedule(() -> {
            Thread.ofVirtual().start(() -> fire(s.name()));
            arm(s);
        }, delay, TimeUnit.MILLISECONDS);
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

    /**
     * The period of a {@code rate(value unit)} expression, the only form run locally.
     *
     * @throws IllegalArgumentException for any other expression
     */
    public static Duration period(String expression) {
        Matcher m = RATE.matcher(expression.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("the schedule expression " + expression
                    + " is not supported locally: only rate(...) is, e.g. rate(5 minutes), rate(1 hour), rate(1 day)");
        }
        ChronoUnit unit = switch (m.group(2)) {
            case "minute" -> ChronoUnit.MINUTES;
            case "hour" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
        return Duration.of(Long.parseLong(m.group(1)), unit);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
