package io.wabridge.core.consent;

import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.tenant.TenantSettings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Consent WaBridge reads from what arrives: a STOP or START keyword (the tenant's words, typed or a
 * button's payload) records an opt-out or opt-in and answers once with a confirmation; WhatsApp's own
 * marketing stop/resume ({@code user_preferences}) and Meta's 131050 record a marketing opt-out or
 * opt-in. Any other message changes nothing: writing to a business is not an opt-in. Safe to run again
 * on the same update: the entry is keyed by it, and the confirmation carries an idempotency key.
 */
public final class InboundConsent {

    /** Sends a confirmation inside the window the keyword opened (refusals are the implementation's to log). */
    public interface Replies {
        void reply(TenantId tenant, String phoneNumberId, String to, String text, String idempotencyKey);
    }

    public static final int META_MARKETING_STOPPED = 131050;

    private final ConsentLedger ledger;
    private final Function<TenantId, TenantSettings> settings;
    private final Replies replies;
    private final OptInReminders.Store reminders;
    private final java.time.Clock clock;

    public InboundConsent(ConsentLedger ledger, Function<TenantId, TenantSettings> settings, Replies replies, OptInReminders.Store reminders,
                          java.time.Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.settings = Objects.requireNonNull(settings);
        this.replies = Objects.requireNonNull(replies);
        this.reminders = Objects.requireNonNull(reminders);
        this.clock = Objects.requireNonNull(clock);
    }

    public void onMessage(TenantId tenant, MessageReceived m) {
        TenantSettings s = settings.apply(tenant);
        ConsentEvent.Action action = matches(m.said(), s.stopKeywords()) ? ConsentEvent.Action.OPT_OUT
                : matches(m.said(), s.startKeywords()) ? ConsentEvent.Action.OPT_IN : null;
        if (action == null) {
            if (s.optInReminders().max() > 0) {
                // Someone who writes but never opted in: the tenant wants them reminded (OptInReminders).
                String contact = ContactKey.of(m.contact());
                ConsentState state = ledger.state(tenant, contact);
                if (state.undecided()) {
                    java.time.Instant now = clock.instant();
                    reminders.schedule(tenant, contact, m.phoneNumberId().value(), now.plus(java.time.Duration.ofMinutes(s.optInReminders().afterMinutes())), s.optInReminders().max(), now);
                }
            }
            return;
        }
        String contact = ContactKey.of(m.contact());
        ConsentState now = ledger.state(tenant, contact);
        boolean changes = action == ConsentEvent.Action.OPT_OUT ? !now.optedOut() : !now.optedIn();
        ConsentEvent.Source source = m.type().equals("text") ? ConsentEvent.Source.INBOUND_KEYWORD : ConsentEvent.Source.BUTTON;
        ConsentEvent e = new ConsentEvent("in_" + m.wamid().value(), tenant, contact, action, ConsentEvent.Scope.ALL, source, m.sentAt(),
                Map.of("wamid", m.wamid().value()), "wabridge");
        String key = "consent#" + m.wamid().value();
        if (action == ConsentEvent.Action.OPT_OUT) {
            if (changes) {
                // Confirmed before the opt-out is recorded (nothing goes to an opted-out contact after): a retry after a
                // crash finds the state unchanged and repeats the reply under the same idempotency key, which sends
                // nothing twice.
                replies.reply(tenant, m.phoneNumberId().value(), contact, confirmation(action, s), key);
            }
            ledger.append(e);
            return;
        }
        // An opt-in is recorded before it is confirmed: the confirmation answers someone who is opted in, whatever
        // second their last opt-out fell in. A retry after a crash between the two finds this entry already there
        // and the contact opted in by it, and repeats the reply under the same key.
        boolean confirm = ledger.append(e) != null ? changes : optedInBy(tenant, contact, e);
        if (confirm) {
            replies.reply(tenant, m.phoneNumberId().value(), contact, confirmation(action, s), key);
        }
    }

    private boolean optedInBy(TenantId tenant, String contact, ConsentEvent e) {
        java.util.List<ConsentEvent> history = ledger.history(tenant, contact);
        return ledger.state(tenant, contact).optedIn() && !history.isEmpty() && history.get(history.size() - 1).id().equals(e.id());
    }

    public void onPreference(TenantId tenant, AccountChange.MarketingPreference p) {
        ledger.append(ConsentEvent.of(tenant, ContactKey.of(p.contact()), p.stopped() ? ConsentEvent.Action.OPT_OUT : ConsentEvent.Action.OPT_IN,
                ConsentEvent.Scope.MARKETING, ConsentEvent.Source.USER_PREFERENCES, p.at(), Map.of("phoneNumberId", p.phoneNumberId().value()),
                "wabridge"));
    }

    /** A marketing template Meta did not deliver because the person stopped marketing from this business. */
    public void onStatus(TenantId tenant, StatusChanged s) {
        if (s.status() != MessageStatus.FAILED || s.errorCode() == null || s.errorCode() != META_MARKETING_STOPPED || s.recipient() == null) {
            return;
        }
        String contact;
        try {
            contact = ContactKey.of(s.recipient());
        } catch (IllegalArgumentException unreadable) {
            return;
        }
        ledger.append(new ConsentEvent("meta_" + s.wamid().value(), tenant, contact, ConsentEvent.Action.OPT_OUT, ConsentEvent.Scope.MARKETING,
                ConsentEvent.Source.META_131050, s.at(), Map.of("wamid", s.wamid().value()), "wabridge"));
    }

    private static boolean matches(List<String> said, List<String> keywords) {
        for (String words : said) {
            String w = normalise(words);
            for (String k : keywords) {
                if (!w.isEmpty() && w.equals(normalise(k))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Case and surrounding spaces or punctuation do not matter: "Stop.", " STOP " and "stop!" match STOP. */
    private static String normalise(String s) {
        return s == null ? "" : s.strip().replaceAll("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$", "").toUpperCase(Locale.ROOT);
    }

    static String confirmation(ConsentEvent.Action action, TenantSettings s) {
        String name = s.displayName() == null || s.displayName().isBlank() ? "this business" : s.displayName();
        if (action == ConsentEvent.Action.OPT_OUT) {
            return "You will no longer receive messages from " + name + "." + first(" Reply ", s.startKeywords(), " to subscribe again.");
        }
        return "You are subscribed to messages from " + name + " again." + first(" Reply ", s.stopKeywords(), " to unsubscribe.");
    }

    private static String first(String before, List<String> words, String after) {
        return words.isEmpty() ? "" : before + words.get(0) + after;
    }
}
