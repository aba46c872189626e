package io.wabridge.core.channel;

import io.wabridge.core.channel.Channel.Status;
import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.ChannelChanges;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Meta's account and number events acting on the channels they name.
 *
 * <ul>
 *   <li>{@code account_update} changes every channel of the WABA at once: {@code disconnected} (app uninstalled,
 *       partner removed, account deleted or offboarded), {@code disabled} (ban), {@code restricted} until the
 *       restriction ends; each change raises one {@code channel.<status>} event per channel. Such a channel's sends
 *       are held by the sender before any Graph call ({@link Channel#heldByMeta()}). Meta's reinstatement (ban lifted,
 *       account reconnected) makes it active again ({@code channel.reinstated}) and releases its held sends; a
 *       disconnection by app removal is reversed by the tenant running signup again.</li>
 *   <li>{@code phone_number_quality_update} and {@code phone_number_name_update} name the number by its display
 *       number: the channel of the WABA whose display number has the same digits gets the quality rating, messaging
 *       limit, throughput (which the sender paces by) or display-name status.</li>
 * </ul>
 */
public final class ApplyAccountEvent implements ChannelChanges {

    private final Channels channels;
    private final DomainEvents events;
    private final ChannelActivated activated;
    private final Clock clock;

    public ApplyAccountEvent(Channels channels, DomainEvents events, ChannelActivated activated, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.events = Objects.requireNonNull(events);
        this.activated = Objects.requireNonNull(activated);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void apply(TenantId tenant, AccountChange change, String eventKey) {
        switch (change) {
            case AccountChange.WabaChange w -> account(tenant, w, eventKey);
            case AccountChange.NumberChange n -> number(tenant, n);
            default -> { }
        }
    }

    private void account(TenantId tenant, AccountChange.WabaChange w, String eventKey) {
        if (w.effect() == AccountChange.WabaEffect.NONE) {
            return;
        }
        for (Channel c : channels.all(tenant)) {
            if (!c.wabaId().equals(w.wabaId())) {
                continue;
            }
            Channel next = next(c, w);
            if (next != null) {
                // The event first, keyed: a retry after a failed publish still finds the change to make, and a
                // redelivery after it finds nothing to change (and so raises nothing).
                events.publishOnce(event(tenant, next, w, eventKey));
                Channel saved = update(c, current -> next(current, w));
                if (saved != null && saved.status() == Status.ACTIVE) {
                    activated.activated(saved);
                }
            } else if (c.status() == Status.ACTIVE && w.effect() == AccountChange.WabaEffect.REINSTATE
                    && events.published(key("channel.reinstated", c, eventKey))) {
                // A retry of this reinstatement: it was saved, but its held sends may not all have been released.
                activated.activated(c);
            }
        }
    }

    private static DomainEvent event(TenantId tenant, Channel changed, AccountChange.WabaChange w, String eventKey) {
        String type = changed.status() == Status.ACTIVE ? "channel.reinstated" : "channel." + changed.status().wireName();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tenantId", tenant.value());
        d.put("phoneNumberId", changed.phoneNumberId());
        d.put("wabaId", changed.wabaId());
        d.put("status", changed.status().wireName());
        d.put("reason", w.event());
        if (w.until() != null) {
            d.put("until", w.until().toString());
        }
        return new DomainEvent(type, tenant, key(type, changed, eventKey), d);
    }

    private static String key(String type, Channel channel, String eventKey) {
        return type + "#" + channel.phoneNumberId() + "#" + eventKey;
    }

    /** The channel as the event leaves it, or null when the event does not change it. */
    private Channel next(Channel c, AccountChange.WabaChange w) {
        Instant now = clock.instant();
        return switch (w.effect()) {
            case DISCONNECT -> c.status() == Status.DISCONNECTED ? null : c.withStatus(Status.DISCONNECTED, w.event(), null, now);
            case DISABLE -> c.status() == Status.DISCONNECTED || c.status() == Status.DISABLED ? null
                    : c.withStatus(Status.DISABLED, w.event(), null, now);
            case RESTRICT -> c.status() == Status.ACTIVE || c.status() == Status.RESTRICTED
                    ? c.withStatus(Status.RESTRICTED, w.event(), w.until(), now) : null;
            // Only what Meta's own events did is undone here; an app removal needs signup again (a new token).
            case REINSTATE -> c.status() == Status.DISABLED || c.status() == Status.RESTRICTED
                    || (c.status() == Status.DISCONNECTED && "ACCOUNT_OFFBOARDED".equals(c.statusReason()))
                    ? c.withStatus(Status.ACTIVE, now) : null;
            case NONE -> null;
        };
    }

    private void number(TenantId tenant, AccountChange.NumberChange n) {
        String digits = digits(n.displayPhoneNumber());
        if (digits.isEmpty()) {
            return;
        }
        for (Channel c : channels.all(tenant)) {
            if (!c.wabaId().equals(n.wabaId()) || !digits.equals(digits(c.displayPhoneNumber()))) {
                continue;
            }
            update(c, current -> {
                Instant now = clock.instant();
                Channel out = current.withNumber(current.displayPhoneNumber(), current.verifiedName(),
                        n.qualityRating() != null ? n.qualityRating() : current.qualityRating(),
                        n.messagingLimit() != null ? n.messagingLimit() : current.messagingLimit(),
                        n.throughputLevel() != null ? n.throughputLevel() : current.throughput(), current.coexistence(), now);
                if (n.nameStatus() != null) {
                    Channel.Health h = out.health();
                    out = out.withHealth(new Channel.Health(h.tokenValid(), h.tokenScopes(), n.nameStatus(), h.numberStatus(), h.checkedAt()), now);
                }
                return out;
            });
        }
    }

    /**
     * Saves what {@code change} makes of the stored channel, only if nobody changed it since it was read (the health
     * check and the sender write channels too); null when the change leaves it as it is.
     */
    private Channel update(Channel read, UnaryOperator<Channel> change) {
        Channel current = read;
        for (int attempt = 0; attempt < 5; attempt++) {
            Channel next = change.apply(current);
            if (next == null) {
                return null;
            }
            if (channels.replace(next, current.updatedAt())) {
                return next;
            }
            current = channels.get(read.tenant(), read.phoneNumberId()).orElse(null);
            if (current == null) {
                return null;
            }
        }
        throw new IllegalStateException("channel " + read.phoneNumberId() + " kept changing; the update is retried from the queue");
    }

    /** A display number's digits: Meta writes {@code 15550783881} in webhooks and {@code +1 555-078-3881} in the Graph API. */
    static String digits(String display) {
        return display == null ? "" : display.replaceAll("[^0-9]", "");
    }
}
