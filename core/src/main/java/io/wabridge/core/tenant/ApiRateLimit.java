package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Requests per tenant on the SaaS-facing API, by the tenant's plan. A plan allows {@code rate} requests per second
 * on average over each {@value #WINDOW_SECONDS}-second window ({@code rate × 10} in the window) and at most
 * {@code burst} in any one second. The count is shared by every function instance through {@link Counter}.
 */
public final class ApiRateLimit {

    /** The length of the windows the average rate is counted over. */
    public static final int WINDOW_SECONDS = 10;
    /** The plan of a token that names none, or names a plan that is not configured. */
    public static final String DEFAULT_PLAN = "default";

    /** A plan's limits; {@code burst} is the most requests in any one second. */
    public record Plan(String name, int rate, int burst) {
        public Plan {
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}") || rate < 1 || burst < 1) {
                throw new IllegalArgumentException("a plan is a name (letters, digits, _ or -) with a rate and a burst of at least 1");
            }
        }

        /** Requests allowed in one window. */
        public long perWindow() {
            return (long) rate * WINDOW_SECONDS;
        }
    }

    /** Admitted, or refused with the whole seconds after which a request can be admitted again. */
    public record Decision(boolean admitted, int retryAfterSeconds) {
        public static final Decision ADMITTED = new Decision(true, 0);

        public static Decision refused(int retryAfterSeconds) {
            return new Decision(false, Math.max(1, retryAfterSeconds));
        }
    }

    /** Counts one request of the tenant against its plan, atomically across every instance, and says whether it fits. */
    public interface Counter {
        Decision take(TenantId tenant, Plan plan);
    }

    private final Map<String, Plan> plans;
    private final Counter counter;

    public ApiRateLimit(Map<String, Plan> plans, Counter counter) {
        if (!plans.containsKey(DEFAULT_PLAN)) {
            throw new IllegalArgumentException("the rate limits need a '" + DEFAULT_PLAN + "' plan");
        }
        this.plans = Map.copyOf(plans);
        this.counter = Objects.requireNonNull(counter);
    }

    /**
     * Plans from {@code name=rate[:burst],...}, e.g. {@code default=20,pro=100:300}; the burst defaults to twice the rate,
     * and a {@value #DEFAULT_PLAN} plan is required.
     *
     * @throws IllegalArgumentException when the text is not of that form
     */
    public static Map<String, Plan> parse(String spec) {
        Map<String, Plan> out = new LinkedHashMap<>();
        for (String entry : spec.split(",", -1)) {
            String[] nameAndLimits = entry.trim().split("=", 2);
            if (nameAndLimits.length != 2 || !nameAndLimits[1].matches("[0-9]{1,6}(:[0-9]{1,6})?")) {
                throw new IllegalArgumentException("'" + entry.trim() + "' is not plan=rate or plan=rate:burst");
            }
            String[] limits = nameAndLimits[1].split(":");
            int rate = Integer.parseInt(limits[0]);
            int burst = limits.length == 2 ? Integer.parseInt(limits[1]) : 2 * rate;
            out.put(nameAndLimits[0].trim(), new Plan(nameAndLimits[0].trim(), rate, burst));
        }
        if (!out.containsKey(DEFAULT_PLAN)) {
            throw new IllegalArgumentException("no '" + DEFAULT_PLAN + "' plan");
        }
        return out;
    }

    /** The named plan; the default plan for none or an unknown name. */
    public Plan plan(String name) {
        return name == null ? plans.get(DEFAULT_PLAN) : plans.getOrDefault(name, plans.get(DEFAULT_PLAN));
    }

    /** Counts the request and decides; call once per request, before it does anything else. */
    public Decision admit(TenantId tenant, String planName) {
        return counter.take(tenant, plan(planName));
    }
}
