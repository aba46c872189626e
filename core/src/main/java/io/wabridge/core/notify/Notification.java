package io.wabridge.core.notify;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A business-initiated notification scheduled for a time: one approved template from one channel to many
 * recipients, each with its own parameters if needed. Sent per recipient at send time as consent and
 * policy allow; each recipient's outcome is recorded.
 *
 * @param components the template's default components (Meta's shape), used for recipients without their own
 * @param state {@code scheduled}, {@code running} or {@code done}
 * @param counts outcomes so far: sent, sentInWindow, fallback, skipped, failed
 */
public record Notification(String id, TenantId tenant, String phoneNumberId, String template, String language, String category,
                           List<Object> components, Instant dueAt, String state, int recipients, Map<String, Long> counts,
                           Instant createdAt, String createdBy) {

    /** Message ids of notification sends start with this, so their statuses can be counted without a lookup. */
    public static final String SEND_ID_PREFIX = "msg_ntf_";

    public Notification {
        components = components == null ? List.of() : List.copyOf(components);
        counts = counts == null ? Map.of() : Map.copyOf(counts);
    }

    /**
     * One recipient. {@code outcome} null until the job reaches it: sent, fallback, skipped or failed
     * ({@code reason} says why: opted_out, marketing_stopped, no_consent, template_not_approved...).
     */
    public record Recipient(int index, String to, List<Object> components, String outcome, String reason, String messageId,
                            Instant decidedAt) {}
}
