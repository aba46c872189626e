package io.wabridge.core.tenant;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.ConsentLedger;
import io.wabridge.core.consent.ConsentState;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A data subject's requests: export everything stored of a contact (messages, media references, sends, the
 * consent ledger), or erase it (the consent ledger keeps only a pseudonymised opt-out, so the person is not
 * messaged again). Both leave an audit record; an erasure of a contact nobody knows is refused, a repeated
 * one changes nothing.
 */
public final class ContactPrivacy {

    /** Nothing is stored of the contact. */
    public static final class Unknown extends RuntimeException {
        public Unknown() {
            super("nothing is stored for this contact");
        }
    }

    public record Export(String contact, Map<String, Object> data, ConsentState consent, List<ConsentEvent> history) {}

    /** {@code removed}: records and objects deleted (0 for a repeat); {@code alreadyErased} for a repeat. */
    public record Erasure(String contact, int removed, boolean alreadyErased) {}

    private final Channels channels;
    private final ContactData data;
    private final ConsentLedger ledger;
    private final Clock clock;

    public ContactPrivacy(Channels channels, ContactData data, ConsentLedger ledger, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.data = Objects.requireNonNull(data);
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @throws IllegalArgumentException if {@code raw} is not a contact; {@link Unknown} if nothing is stored */
    public Export export(TenantId tenant, String raw, String who) {
        String contact = ContactKey.of(raw);
        Map<String, Object> found = data.export(tenant, contact, numbers(tenant));
        List<ConsentEvent> history = ledger.history(tenant, contact);
        if (isEmpty(found) && history.isEmpty()) {
            throw new Unknown();
        }
        data.audit(tenant, "contact.export", ContactKey.pseudonym(tenant, contact), who, Map.of(), clock.instant());
        return new Export(contact, found, ConsentState.of(history), history);
    }

    public Erasure erase(TenantId tenant, String raw, String who) {
        String contact = ContactKey.of(raw);
        String pseudonym = ContactKey.pseudonym(tenant, contact);
        int removed = data.erase(tenant, contact, numbers(tenant)) + ledger.forget(tenant, contact);
        if (removed == 0) {
            if (ledger.history(tenant, pseudonym).isEmpty()) {
                throw new Unknown();
            }
            return new Erasure(contact, 0, true);
        }
        Instant now = clock.instant();
        ledger.append(ConsentEvent.of(tenant, pseudonym, ConsentEvent.Action.OPT_OUT, ConsentEvent.Scope.ALL, ConsentEvent.Source.ERASURE, now,
                Map.of(), who));
        data.audit(tenant, "contact.erase", pseudonym, who, Map.of("removed", removed), now);
        return new Erasure(contact, removed, false);
    }

    private List<String> numbers(TenantId tenant) {
        return channels.all(tenant).stream().map(Channel::phoneNumberId).toList();
    }

    private static boolean isEmpty(Map<String, Object> found) {
        return found.values().stream().allMatch(v -> v instanceof List<?> l && l.isEmpty());
    }
}
