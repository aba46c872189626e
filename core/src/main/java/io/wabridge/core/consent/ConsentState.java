package io.wabridge.core.consent;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A contact's consent as its ledger entries add up, applied in time order (ties by id): an opt-in or
 * opt-out of everything sets both standings; one of marketing sets only the marketing standing.
 *
 * @param updatedAt the time of the latest entry applied (null: no entry)
 * @param optedOutAt when the contact last opted out of everything (null if never, or opted in since)
 */
public record ConsentState(Standing all, Standing marketing, Instant updatedAt, Instant optedOutAt, int entries) {

    public enum Standing { NONE, IN, OUT }

    public static final ConsentState NONE = new ConsentState(Standing.NONE, Standing.NONE, null, null, 0);

    public static ConsentState of(List<ConsentEvent> ledger) {
        ConsentState state = NONE;
        for (ConsentEvent e : ledger.stream().sorted(ORDER).toList()) {
            state = state.apply(e);
        }
        return state;
    }

    static final Comparator<ConsentEvent> ORDER = Comparator.comparing(ConsentEvent::at).thenComparing(ConsentEvent::id);

    /** This state with {@code e} applied as the newest entry. */
    public ConsentState apply(ConsentEvent e) {
        Standing to = e.action() == ConsentEvent.Action.OPT_IN ? Standing.IN : Standing.OUT;
        Instant latest = updatedAt == null || e.at().isAfter(updatedAt) ? e.at() : updatedAt;
        if (e.scope() == ConsentEvent.Scope.MARKETING) {
            return new ConsentState(all, to, latest, optedOutAt, entries + 1);
        }
        return new ConsentState(to, to, latest, to == Standing.OUT ? e.at() : null, entries + 1);
    }

    /** Whether {@code e} sorts after every entry this state holds, so {@link #apply} gives the same as a re-fold. */
    public boolean isNewest(ConsentEvent e) {
        return updatedAt == null || !e.at().isBefore(updatedAt);
    }

    /** Nothing recorded either way: neither opted in or out, nor marketing stopped or resumed. */
    public boolean undecided() {
        return all == Standing.NONE && marketing == Standing.NONE;
    }

    public boolean optedIn() {
        return all == Standing.IN;
    }

    public boolean optedOut() {
        return all == Standing.OUT;
    }
}
