package io.wabridge.core.webhook;

import java.util.Objects;

/**
 * One update of a webhook delivery (one message, one status, one template or account event), on its
 * own as a Meta-shaped body with a single item.
 *
 * @param groupId         keeps one conversation (phone number + contact) or one WABA's events in order
 * @param deduplicationId the same update redelivered gets the same id
 * @param body            the update's JSON, never logged
 */
public record WebhookUpdate(String groupId, String deduplicationId, byte[] body) {
    public WebhookUpdate {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(deduplicationId, "deduplicationId");
        Objects.requireNonNull(body, "body");
        if (groupId.isEmpty() || groupId.length() > 128 || deduplicationId.isEmpty() || deduplicationId.length() > 128) {
            throw new IllegalArgumentException("group and deduplication ids must be 1-128 characters");
        }
    }

    @Override
    public String toString() {
        return "WebhookUpdate[group=" + groupId + ", dedup=" + deduplicationId + ", " + body.length + " bytes]";
    }
}
