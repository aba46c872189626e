package io.wabridge.core.channel;

import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Puts a channel in {@code needs_reauth} (Meta no longer takes its token) and raises
 * {@code channel.needs_reauth} once per transition: the event is keyed by the time the channel last became
 * active, so whoever notices first (the sender, the health check, a retry of either) raises it and the others
 * do not. Only signup run again makes the channel active.
 */
public final class ChannelReauth {

    private final Channels channels;
    private final DomainEvents events;
    private final Clock clock;

    public ChannelReauth(Channels channels, DomainEvents events, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Returns true if this call moved the channel to {@code needs_reauth}; false if it was there already. */
    public boolean require(Channel channel, String reason) {
        if (channel.status() == Channel.Status.NEEDS_REAUTH) {
            return false;
        }
        Instant now = clock.instant();
        Instant since = channel.connectedAt() != null ? channel.connectedAt() : now;
        channels.save(channel.withStatus(Channel.Status.NEEDS_REAUTH, now));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tenantId", channel.tenant().value());
        d.put("phoneNumberId", channel.phoneNumberId());
        d.put("wabaId", channel.wabaId());
        d.put("status", Channel.Status.NEEDS_REAUTH.wireName());
        d.put("reason", reason);
        events.publishOnce(new DomainEvent("channel.needs_reauth", channel.tenant(),
                "channel.needs_reauth#" + channel.phoneNumberId() + "#" + since.toEpochMilli(), d));
        return true;
    }
}
