package io.wabridge.core.inbound;

/** Which event keys were published already, so that a retried effect raises its event once (kept 8 days). */
public interface PublishOnceLedger {

    /** Whether an event with this key was already published. */
    boolean published(String key);

    /** Notes that the event with this key was published. */
    void markPublished(String key);
}
