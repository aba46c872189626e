package io.wabridge.core.inbound;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Domain events kept in memory in the order published, for core tests. */
public final class RecordingEvents implements DomainEvents {

    public final List<DomainEvent> published = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    @Override
    public void publish(DomainEvent event) {
        published.add(event);
    }

    @Override
    public boolean published(String key) {
        return keys.contains(key);
    }

    @Override
    public void markPublished(String key) {
        keys.add(key);
    }

    public List<DomainEvent> ofType(String type) {
        return published.stream().filter(e -> e.type().equals(type)).toList();
    }
}
