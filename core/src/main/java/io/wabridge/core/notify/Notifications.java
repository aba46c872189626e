package io.wabridge.core.notify;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where notifications, their recipients and outcomes are kept. */
public interface Notifications {

    /** Saves the notification and its recipients (scheduled, due at {@code dueAt}). */
    void create(Notification n, List<Notification.Recipient> recipients);

    Optional<Notification> get(TenantId tenant, String id);

    /** Due notifications ({@code dueAt <= now}, not done) across tenants, from the due index (never a scan). */
    List<Due> due(Instant now, int limit);

    record Due(TenantId tenant, String id) {}

    /** Takes the notification for one run until {@code until}, unless another run holds it; false if held or done. */
    boolean claim(TenantId tenant, String id, Instant now, Instant until);

    /** Recipients after index {@code after} (-1: from the start), in order. */
    List<Notification.Recipient> recipients(TenantId tenant, String id, int after, int limit);

    /**
     * Records a recipient's outcome once (a second call for the same recipient changes nothing) and counts
     * it on the notification and in the tenant's day ({@code inWindow} counts a send inside the 24-hour window).
     *
     * @return false if the recipient already had an outcome
     */
    boolean recordOutcome(TenantId tenant, String id, Notification.Recipient r, boolean inWindow, Instant at);

    /** Marks the notification done (out of the due index). */
    void complete(TenantId tenant, String id, Instant at);

    /** Gives the notification back before it is finished (its remaining recipients are picked up by the next run). */
    void release(TenantId tenant, String id);
}
