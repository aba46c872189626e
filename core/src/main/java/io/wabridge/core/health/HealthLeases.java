package io.wabridge.core.health;

import java.time.Instant;

/**
 * One health check per channel and period: a run claims a channel before checking it, so a run that
 * overlaps another (or a retried invocation) does not check it twice.
 */
public interface HealthLeases {

    /** Claims the channel for {@code period}; false if a run claimed it for that period already. Kept until {@code expiresAt}. */
    boolean claim(String phoneNumberId, long period, Instant expiresAt);

    /** Gives a claim back (the check did not happen, e.g. no budget), so a run of the same period that covers it again (e.g. a run of every channel) may check it. */
    void release(String phoneNumberId, long period);
}
