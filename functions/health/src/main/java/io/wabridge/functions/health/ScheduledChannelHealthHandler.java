package io.wabridge.functions.health;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.wabridge.adapters.config.Components;
import io.wabridge.core.health.CheckChannelHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled channel health check: EventBridge's scheduled event (its {@code time} picks the channels due),
 * or by hand {@code {"scope": "all"}} for every channel not checked yet this period. Ends with one summary
 * line; each channel that failed is logged by tenant and number, never with its token.
 */
public final class ScheduledChannelHealthHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger log = LoggerFactory.getLogger(ScheduledChannelHealthHandler.class);
    /** No new check starts this close to the function's timeout. */
    static final Duration MARGIN = Duration.ofSeconds(60);

    private final CheckChannelHealth health;
    private final Clock clock;

    public ScheduledChannelHealthHandler() {
        this(Components.fromEnvironment());
    }

    public ScheduledChannelHealthHandler(Components components) {
        this(components.checkChannelHealth(), Clock.systemUTC());
    }

    ScheduledChannelHealthHandler(CheckChannelHealth health, Clock clock) {
        this.health = health;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Invocation.run(context, () -> handle(event, context));
    }

    private Map<String, Object> handle(Map<String, Object> event, Context context) {
        Map<String, Object> in = event == null ? Map.of() : event;
        Instant scheduledAt = in.get("time") == null ? clock.instant() : Instant.parse(in.get("time").toString());
        boolean everyChannel = "all".equals(in.get("scope"));
        long remaining = context == null ? Duration.ofMinutes(15).toMillis() : context.getRemainingTimeInMillis();
        CheckChannelHealth.Summary s = health.run(scheduledAt, everyChannel, clock.instant().plusMillis(remaining).minus(MARGIN));
        s.failures().forEach(f -> log.warn("channel health check failed: tenantId={} phoneNumberId={} reason={}",
                f.tenant().value(), f.phoneNumberId(), f.reason()));
        log.info("channel health run: period={} slots={}-{} checked={} refreshed={} needs_reauth={} updated={} failed={} "
                        + "skipped_by_budget={} already_claimed={} duration_ms={} complete={}", s.period(), s.fromSlot(), s.toSlot(),
                s.checked(), s.refreshed(), s.needsReauth(), s.updated(), s.failed(), s.skippedByBudget(), s.alreadyClaimed(),
                s.duration().toMillis(), s.complete());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("period", s.period());
        out.put("fromSlot", s.fromSlot());
        out.put("toSlot", s.toSlot());
        out.put("checked", s.checked());
        out.put("refreshed", s.refreshed());
        out.put("needsReauth", s.needsReauth());
        out.put("updated", s.updated());
        out.put("failed", s.failed());
        out.put("skippedByBudget", s.skippedByBudget());
        out.put("alreadyClaimed", s.alreadyClaimed());
        out.put("durationMillis", s.duration().toMillis());
        out.put("complete", s.complete());
        return out;
    }
}
