package io.wabridge.core.consent;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.SendFacts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Answers "may a message of this category go to this contact now, and why?" the way the send path will
 * decide it: the ledger, the tenant's policy, and the contact's window on the given channel (or on any of
 * the tenant's channels).
 */
public final class CheckCanSend {

    private final ConsentLedger ledger;
    private final SendFacts facts;
    private final Channels channels;
    private final Function<TenantId, CanSend.Policy> policies;
    private final Clock clock;

    public CheckCanSend(ConsentLedger ledger, SendFacts facts, Channels channels, Function<TenantId, CanSend.Policy> policies, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.facts = Objects.requireNonNull(facts);
        this.channels = Objects.requireNonNull(channels);
        this.policies = Objects.requireNonNull(policies);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @param phoneNumberId the channel whose window counts, or null for any of the tenant's channels */
    public CanSend.Decision check(TenantId tenant, String contact, CanSend.Category category, String phoneNumberId) {
        List<String> numbers = phoneNumberId != null ? List.of(phoneNumberId)
                : channels.all(tenant).stream().filter(c -> c.status() != Channel.Status.DISCONNECTED).map(Channel::phoneNumberId).toList();
        Instant last = null;
        for (String pn : numbers) {
            Instant at = facts.contact(tenant, pn, contact).map(SendFacts.ContactFacts::lastInboundAt).orElse(null);
            if (at != null && (last == null || at.isAfter(last))) {
                last = at;
            }
        }
        return CanSend.decide(category, ledger.state(tenant, contact), policies.apply(tenant), last, clock.instant());
    }
}
