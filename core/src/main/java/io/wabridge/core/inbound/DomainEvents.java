package io.wabridge.core.inbound;

import java.util.Objects;

/** Publishes domain events, at least once, and remembers which were published so each is raised once. */
public interface DomainEvents extends DomainEventBus, PublishOnceLedger {

    /** Publishes the event unless its key was published already (a retried effect raises it once). */
    default void publishOnce(DomainEvent event) {
        if (!published(event.key())) {
            publish(event);
            markPublished(event.key());
        }
    }

    /** Events to {@code bus}, with {@code ledger} remembering which keys were published. */
    static DomainEvents of(DomainEventBus bus, PublishOnceLedger ledger) {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(ledger, "ledger");
        return new DomainEvents() {
            @Override
            public void publish(DomainEvent event) {
                bus.publish(event);
            }

            @Override
            public boolean published(String key) {
                return ledger.published(key);
            }

            @Override
            public void markPublished(String key) {
                ledger.markPublished(key);
            }
        };
    }
}
