package io.wabridge.core.inbound;

/** Where domain events go (EventBridge on AWS and locally); at least once. */
public interface DomainEventBus {

    /** Throws if the event could not be published, so the update is retried. */
    void publish(DomainEvent event);
}
