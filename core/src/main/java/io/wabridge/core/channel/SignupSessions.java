package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.Optional;

/** Single-use signup sessions (15 minutes). */
public interface SignupSessions {

    record Session(String id, TenantId tenant, Instant createdAt, Instant expiresAt, String outcome) {}

    void create(Session session);

    Optional<Session> get(String id);

    /** Marks the session used with its outcome; false if it was used already. */
    boolean consume(String id, String outcome);

    /** Replaces the recorded outcome of a used session (e.g. {@code completed}, {@code cancelled at PERMISSIONS}). */
    void recordOutcome(String id, String outcome);
}
