package io.wabridge.core.webhook;

import java.util.List;

/** Durable hand-off of verified webhook updates to the inbound pipeline. */
public interface InboundQueue {

    /**
     * Stores every update durably before returning. Throws {@link EnqueueFailed} if any could not be
     * stored, so the caller answers Meta with a 5xx and Meta redelivers (the updates that did get in are
     * deduplicated downstream).
     */
    void enqueue(List<WebhookUpdate> updates);

    /**
     * Stores a large delivery durably as one record (a claim check of the raw POST), to be split into {@code updates}
     * by the inbound consumer, so Meta's 1,000-update, 3 MB deliveries are answered in the time of a small one. Throws
     * {@link EnqueueFailed} as {@link #enqueue}. The default queues the updates themselves.
     */
    default void enqueueDelivery(WebhookUpdate delivery, List<WebhookUpdate> updates) {
        enqueue(updates);
    }

    /** The queue refused or could not be reached. */
    final class EnqueueFailed extends RuntimeException {
        public EnqueueFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
