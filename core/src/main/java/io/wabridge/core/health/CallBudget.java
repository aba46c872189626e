package io.wabridge.core.health;

import java.time.Instant;

/**
 * Graph calls the health check may make per WABA and hour, shared by every run and instance (Meta limits
 * management calls per app and WABA: 200 an hour, 5,000 for a WABA with a registered number).
 */
public interface CallBudget {

    /**
     * Takes {@code calls} from the WABA's budget for the hour of {@code now}; false, and nothing taken, if that
     * would go over {@code perHour}.
     */
    boolean take(String wabaId, int calls, int perHour, Instant now);
}
