package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Channels in memory, for core tests; the health index is the channels themselves, by slot. */
public final class InMemoryChannels implements Channels {

    private final Map<String, Channel> byKey = new ConcurrentHashMap<>();

    private static String key(TenantId tenant, String phoneNumberId) {
        return tenant.value() + "#" + phoneNumberId;
    }

    @Override
    public Optional<Channel> get(TenantId tenant, String phoneNumberId) {
        return Optional.ofNullable(byKey.get(key(tenant, phoneNumberId)));
    }

    @Override
    public void save(Channel channel) {
        byKey.put(key(channel.tenant(), channel.phoneNumberId()), channel);
    }

    @Override
    public synchronized boolean replace(Channel channel, Instant expectedUpdatedAt) {
        Channel stored = byKey.get(key(channel.tenant(), channel.phoneNumberId()));
        if (stored == null || !Objects.equals(stored.updatedAt(), expectedUpdatedAt)) {
            return false;
        }
        save(channel);
        return true;
    }

    @Override
    public Page list(TenantId tenant, int limit, String cursor) {
        return page(byKey.values().stream().filter(c -> c.tenant().equals(tenant)).toList(), limit, cursor);
    }

    @Override
    public Page healthCheckable(int fromSlot, int toSlot, int limit, String cursor) {
        return page(byKey.values().stream().filter(Channel::healthChecked)
                .filter(c -> c.healthSlot() >= fromSlot && c.healthSlot() < toSlot).toList(), limit, cursor);
    }

    private static Page page(List<Channel> all, int limit, String cursor) {
        List<Channel> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Channel::phoneNumberId));
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(sorted.size(), from + limit);
        return new Page(List.copyOf(sorted.subList(from, to)), to < sorted.size() ? Integer.toString(to) : null);
    }
}
