package io.wabridge.core.send;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.ChannelActivated;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/** When a channel is active again, its held sends go back on the queue, oldest first. */
public final class ReleaseHeld implements ChannelActivated {

    private final Outbox outbox;
    private final OutboundQueue queue;
    private final Clock clock;

    public ReleaseHeld(Outbox outbox, OutboundQueue queue, Clock clock) {
        this.outbox = Objects.requireNonNull(outbox);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void activated(Channel channel) {
        List<OutboundMessage> held;
        do {
            held = outbox.held(channel.tenant(), new io.wabridge.core.messaging.PhoneNumberId(channel.phoneNumberId()), 100);
            for (OutboundMessage m : held) {
                OutboundMessage queued = m.with(SendState.QUEUED, null, m.attempts(), m.errorCode(), m.error(), clock.instant());
                // Queued first: if recording fails, the sender still finds it (a held send on an active channel is sent).
                queue.enqueue(queued);
                outbox.save(queued);
            }
        } while (held.size() == 100);
    }
}
