package io.wabridge.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainEventsTest {

    private final List<DomainEvent> bus = new ArrayList<>();
    private final Set<String> ledger = new HashSet<>();
    private boolean busDown;

    private final DomainEvents events = DomainEvents.of(event -> {
        if (busDown) {
            throw new IllegalStateException("bus unreachable");
        }
        bus.add(event);
    }, new PublishOnceLedger() {
        @Override
        public boolean published(String key) {
            return ledger.contains(key);
        }

        @Override
        public void markPublished(String key) {
            ledger.add(key);
        }
    });

    private static DomainEvent event(String key) {
        return new DomainEvent("message.received", new TenantId("acme"), key, Map.of("id", key));
    }

    @Test
    void anEventIsPublishedOncePerKeyAndItsKeyGoesToTheLedger() {
        events.publishOnce(event("wamid.1"));
        events.publishOnce(event("wamid.1"));
        events.publishOnce(event("wamid.2"));
        assertThat(bus).extracting(DomainEvent::key).containsExactly("wamid.1", "wamid.2");
        assertThat(ledger).containsExactlyInAnyOrder("wamid.1", "wamid.2");
    }

    @Test
    void anEventTheBusRefusedIsNotMarkedSoTheRetryPublishesIt() {
        busDown = true;
        assertThatThrownBy(() -> events.publishOnce(event("wamid.1"))).hasMessageContaining("bus unreachable");
        assertThat(ledger).isEmpty();
        busDown = false;
        events.publishOnce(event("wamid.1"));
        assertThat(bus).extracting(DomainEvent::key).containsExactly("wamid.1");
    }
}
