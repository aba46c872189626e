package io.wabridge.core.inbound;

import io.wabridge.core.consent.InboundConsent;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.media.MediaJob;
import io.wabridge.core.media.MediaJobs;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies one inbound update for the tenant that owns it: messages stored once, contacts' windows moved
 * forward, statuses only advanced, events kept. An update for a number or WABA nobody owns is recorded
 * and acknowledged. A message with media queues a fetch of its bytes; every message is offered to the
 * tenant's bot hook; STOP/START keywords, marketing preferences and Meta's 131050 go to the consent
 * ledger. Safe to run again on the same update (SQS or Meta redelivery): no second effect.
 */
public final class ProcessInboundUpdate {

    public enum Outcome { STORED, DUPLICATE, STATUS_ADVANCED, STATUS_STALE, UNROUTED }

    /** What happened, and for whom (null when unrouted). */
    public record Result(Outcome outcome, TenantId tenant) {}

    private final Routing routing;
    private final InboundStore store;
    private final DomainEvents events;
    private final MediaJobs media;
    private final BotJobs bot;
    private final InboundConsent consent;
    private final ChannelChanges channels;
    private final ContactIds ids;

    public ProcessInboundUpdate(Routing routing, InboundStore store, DomainEvents events, MediaJobs media, BotJobs bot, InboundConsent consent,
                                ChannelChanges channels) {
        this(routing, store, events, media, bot, consent, channels, ContactIds.NONE);
    }

    /** @param ids where the ids a webhook shows together are linked to one person, before anything is keyed by them */
    public ProcessInboundUpdate(Routing routing, InboundStore store, DomainEvents events, MediaJobs media, BotJobs bot, InboundConsent consent,
                                ChannelChanges channels, ContactIds ids) {
        this.channels = Objects.requireNonNull(channels);
        this.ids = Objects.requireNonNull(ids);
        this.bot = Objects.requireNonNull(bot);
        this.consent = Objects.requireNonNull(consent);
        this.routing = Objects.requireNonNull(routing);
        this.store = Objects.requireNonNull(store);
        this.events = Objects.requireNonNull(events);
        this.media = Objects.requireNonNull(media);
    }

    public Result process(InboundUpdate update) {
        return switch (update) {
            case MessageReceived m -> route(routing.byPhoneNumber(m.phoneNumberId()), "phone", m.phoneNumberId().value(), tenant -> {
                ids.keyOf(tenant, m.contact(), m.sentAt());
                if (m.changedTo() != null) {
                    ids.linkChangedNumber(tenant, m.contact(), m.changedTo(), m.sentAt());
                }
                boolean stored = store.saveMessageIfAbsent(tenant, m);
                store.touchContact(tenant, m);
                raise(Events.received(tenant, m), stored, () -> {
                    consent.onMessage(tenant, m);
                    if (m.media() != null) {
                        media.request(new MediaJob(tenant, m.phoneNumberId().value(), m.wamid().value(), m.media().id(),
                                m.media().mimeType(), m.media().sha256(), m.sentAt()));
                    }
                    bot.request(tenant, m);
                });
                return stored ? Outcome.STORED : Outcome.DUPLICATE;
            });
            case StatusChanged s -> route(routing.byPhoneNumber(s.phoneNumberId()), "phone", s.phoneNumberId().value(), tenant -> {
                StatusEffects effects = StatusEffects.of(s);
                InboundStore.StatusRecorded recorded = store.applyStatus(tenant, s, effects);
                boolean advanced = recorded.advanced();
                if (advanced) {
                    java.util.List<String> counters = effects.notificationCounters(recorded.rankBefore(), s.status());
                    if (!counters.isEmpty()) {
                        store.countNotificationStatus(tenant, s.at(), counters);
                    }
                }
                consent.onStatus(tenant, s);
                raise(Events.status(tenant, s, advanced), advanced);
                return advanced ? Outcome.STATUS_ADVANCED : Outcome.STATUS_STALE;
            });
            case WabaEvent e -> {
                Optional<TenantId> tenant = e.phoneNumberId() != null ? routing.byPhoneNumber(e.phoneNumberId()) : routing.byWaba(e.wabaId());
                yield route(tenant, e.phoneNumberId() != null ? "phone" : "waba",
                        e.phoneNumberId() != null ? e.phoneNumberId().value() : e.wabaId(), t -> {
                            if (e.change() instanceof AccountChange.MarketingPreference p) {
                                consent.onPreference(t, p);
                            } else if (e.change() != null) {
                                store.applyChange(t, e.change());
                                channels.apply(t, e.change(), e.eventKey());
                            }
                            boolean stored = store.saveEventIfAbsent(t, e);
                            raise(Events.account(t, e), stored);
                            return stored ? Outcome.STORED : Outcome.DUPLICATE;
                        });
            }
        };
    }

    /**
     * Publishes once per key: the effect above is idempotent, and the event log makes a retried update
     * (after a failed publish, or a redelivery) publish only what was not published yet. A first-time
     * effect cannot have been published before, so only repeats consult the log.
     */
    private void raise(DomainEvent event, boolean firstTime) {
        raise(event, firstTime, () -> { });
    }

    /** As {@link #raise(DomainEvent, boolean)}, with follow-up work queued before the event (so a published event implies it). */
    private void raise(DomainEvent event, boolean firstTime, Runnable followUps) {
        if (firstTime || !events.published(event.key())) {
            followUps.run();
            events.publish(event);
            events.markPublished(event.key());
        }
    }

    private Result route(Optional<TenantId> tenant, String kind, String id, java.util.function.Function<TenantId, Outcome> effect) {
        if (tenant.isEmpty()) {
            routing.recordUnrouted(kind, id);
            return new Result(Outcome.UNROUTED, null);
        }
        return new Result(effect.apply(tenant.get()), tenant.get());
    }
}
