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
 * The send policy, one place for both callers: the send path ({@code AcceptSend}) and the SaaS's question
 * "may a message of this category (or this template) go to this contact now, and why?". It reads the ledger,
 * the tenant's policy, the contact's window on the given channel (or on any of the tenant's channels), and
 * for a template the category Meta applies to it now; a template whose category WaBridge does not know
 * (not synced, or no category in Meta's webhooks yet) is taken as marketing, the strictest.
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

    /**
     * The category a send of the template counts as now: its category from Meta's webhooks or the last sync, the
     * announced recategorisation once due, or {@link CanSend.Category#MARKETING} when unknown.
     */
    public CanSend.Category templateCategory(TenantId tenant, String wabaId, String name, String language) {
        return templateCategory(facts.template(tenant, new io.wabridge.core.messaging.WabaId(wabaId), name, language));
    }

    /** As {@link #templateCategory(TenantId, String, String, String)}, for a template the caller has read already. */
    public CanSend.Category templateCategory(java.util.Optional<SendFacts.TemplateFacts> template) {
        String category = template.map(t -> t.categoryAt(clock.instant())).orElse(null);
        try {
            CanSend.Category c = CanSend.Category.of(category);
            return c == CanSend.Category.SERVICE ? CanSend.Category.MARKETING : c;
        } catch (IllegalArgumentException unknown) {
            return CanSend.Category.MARKETING;
        }
    }

    /** As {@link #check}, for a template sent on a channel (whose WABA holds the template). */
    public CanSend.Decision checkTemplate(TenantId tenant, String contact, Channel channel, String name, String language) {
        return check(tenant, contact, templateCategory(tenant, channel.wabaId(), name, language), channel.phoneNumberId());
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
