package io.wabridge.core.inbound;

/** Publishes domain events (EventBridge on AWS, the local bus locally); at least once. */
public interface DomainEvents {

    /** Throws if the event could not be published, so the update is retried. */
    void publish(DomainEvent event);

    /** Whether an event with this key was already published (kept 8 days). */
    boolean published(String key);

    /** Notes that the event with this key was published. */
    void markPublished(String key);

    /** Publishes the event unless its key was published already (a retried effect raises it once). */
    default void publishOnce(DomainEvent event) {
        if (!published(event.key())) {
            publish(event);
            markPublished(event.key());
        }
    }
}
