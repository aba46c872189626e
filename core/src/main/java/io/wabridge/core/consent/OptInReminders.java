package io.wabridge.core.consent;

import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.SendFacts;
import io.wabridge.core.tenant.TenantSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reminds contacts who write to a tenant but never opted in, per the tenant's {@code optInReminders}: a
 * reminder is scheduled {@code afterMinutes} after such a message (one pending at a time, at most one a day, at
 * most {@code max} in all); when due, if the contact still has no consent entry, it goes as a WhatsApp
 * message inside the window the contact opened ({@code via = window}; none once the window closed) or as a
 * {@code consent.reminder} event with an opt-in link for the SaaS to send ({@code via = fallback}). Never to
 * a contact who opted out or stopped marketing, nor to one who opted in meanwhile.
 */
public final class OptInReminders {

    public static final Duration LINK_TTL = Duration.ofDays(7);

    public interface Store {
        /**
         * Schedules a reminder at {@code dueAt} unless one is pending, {@code max} were sent, or the last was
         * sent less than a day before {@code now}.
         */
        boolean schedule(TenantId tenant, String contact, String phoneNumberId, Instant dueAt, int max, Instant now);

        /** Reminders due at {@code now} (from the due index). */
        List<Reminder> dueReminders(Instant now, int limit);

        /** Takes a due reminder out of the index; false if another run took it. */
        boolean take(Reminder due);

        /** Counts a reminder as sent. */
        void sent(Reminder due, Instant at);

        record Reminder(TenantId tenant, String contact, String phoneNumberId, int sent) {}
    }

    private final Store store;
    private final ConsentLedger ledger;
    private final SendFacts facts;
    private final Function<TenantId, TenantSettings> settings;
    private final InboundConsent.Replies replies;
    private final OptInLinks links;
    private final Function<String, String> linkUrl;
    private final DomainEvents events;
    private final Clock clock;

    public OptInReminders(Store store, ConsentLedger ledger, SendFacts facts, Function<TenantId, TenantSettings> settings,
                          InboundConsent.Replies replies, OptInLinks links, Function<String, String> linkUrl, DomainEvents events, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.ledger = Objects.requireNonNull(ledger);
        this.facts = Objects.requireNonNull(facts);
        this.settings = Objects.requireNonNull(settings);
        this.replies = Objects.requireNonNull(replies);
        this.links = Objects.requireNonNull(links);
        this.linkUrl = Objects.requireNonNull(linkUrl);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Sends the due reminders until {@code deadline}; returns how many went out. */
    public int run(Instant deadline) {
        int sent = 0;
        for (Store.Reminder d : store.dueReminders(clock.instant(), 200)) {
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            if (store.take(d) && remind(d)) {
                store.sent(d, clock.instant());
                sent++;
            }
        }
        return sent;
    }

    private boolean remind(Store.Reminder d) {
        ConsentState state = ledger.state(d.tenant(), d.contact());
        if (!state.undecided()) {
            return false;
        }
        TenantSettings s = settings.apply(d.tenant());
        Instant now = clock.instant();
        String url = linkUrl.apply(links.issue(d.tenant(), d.contact(), ConsentEvent.Scope.ALL, null, LINK_TTL));
        int n = d.sent() + 1;
        if (s.optInReminders().via().equals("fallback")) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("contact", d.contact());
            detail.put("channel", d.phoneNumberId());
            detail.put("reminder", n);
            detail.put("optInUrl", url);
            detail.put("optInExpiresAt", now.plus(LINK_TTL).toString());
            events.publishOnce(new DomainEvent("consent.reminder", d.tenant(), "consent.reminder#" + d.contact() + "#" + n, detail));
            return true;
        }
        Instant last = facts.contact(d.tenant(), d.phoneNumberId(), d.contact()).map(SendFacts.ContactFacts::lastInboundAt).orElse(null);
        if (last == null || !now.isBefore(last.plus(CanSend.WINDOW))) {
            return false;
        }
        String name = s.displayName() == null || s.displayName().isBlank() ? "We" : s.displayName();
        String intent = s.optInIntent() == null || s.optInIntent().isBlank() ? "updates" : s.optInIntent();
        String start = s.startKeywords().isEmpty() ? "" : " or reply " + s.startKeywords().get(0);
        replies.reply(d.tenant(), d.phoneNumberId(), d.contact(), name + " would like to send you WhatsApp messages: " + intent
                + ". To agree, open " + url + start + ".", "reminder#" + d.contact() + "#" + n);
        return true;
    }
}
