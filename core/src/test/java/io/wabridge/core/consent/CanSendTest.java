package io.wabridge.core.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.consent.CanSend.Category;
import io.wabridge.core.consent.ConsentEvent.Action;
import io.wabridge.core.consent.ConsentEvent.Scope;
import io.wabridge.core.consent.ConsentEvent.Source;
import io.wabridge.core.inbound.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanSendTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final CanSend.Policy STRICT = new CanSend.Policy(true, true);
    static final CanSend.Policy DEFAULT = new CanSend.Policy(false, true);

    static ConsentState state(Object... actions) {
        List<ConsentEvent> ledger = new ArrayList<>();
        for (int i = 0; i < actions.length; i += 2) {
            ledger.add(ConsentEvent.of(new TenantId("acme"), "6281100", (Action) actions[i], (Scope) actions[i + 1], Source.API,
                    NOW.minus(Duration.ofDays(10 - i)), Map.of("n", Integer.toString(i)), "test"));
        }
        return ConsentState.of(ledger);
    }

    static String reason(Category c, ConsentState s, CanSend.Policy p, Instant lastInbound) {
        CanSend.Decision d = CanSend.decide(c, s, p, lastInbound, NOW);
        return (d.allowed() ? "yes:" : "no:") + d.reason();
    }

    @Test
    void theLedgerDecidesTemplatesAndTheWindowDecidesFreeForm() {
        Instant recently = NOW.minus(Duration.ofHours(2));
        Instant longAgo = NOW.minus(Duration.ofDays(3));
        assertThat(reason(Category.MARKETING, ConsentState.NONE, DEFAULT, null)).isEqualTo("no:no_consent");
        assertThat(reason(Category.MARKETING, ConsentState.NONE, DEFAULT, recently)).as("writing is not an opt-in").isEqualTo("no:no_consent");
        assertThat(reason(Category.MARKETING, ConsentState.NONE, new CanSend.Policy(false, false), null)).isEqualTo("yes:opt_in_not_required");
        assertThat(reason(Category.UTILITY, ConsentState.NONE, DEFAULT, null)).isEqualTo("yes:opt_in_not_required");
        assertThat(reason(Category.UTILITY, ConsentState.NONE, STRICT, recently)).isEqualTo("yes:within_window");
        assertThat(reason(Category.AUTHENTICATION, ConsentState.NONE, STRICT, longAgo)).isEqualTo("no:no_consent");
        assertThat(reason(Category.MARKETING, state(Action.OPT_IN, Scope.ALL), STRICT, null)).isEqualTo("yes:opted_in");
        assertThat(reason(Category.MARKETING, state(Action.OPT_IN, Scope.ALL, Action.OPT_OUT, Scope.MARKETING), STRICT, null))
                .isEqualTo("no:marketing_stopped");
        assertThat(reason(Category.UTILITY, state(Action.OPT_IN, Scope.ALL, Action.OPT_OUT, Scope.MARKETING), STRICT, null))
                .as("stopping marketing leaves utility").isEqualTo("yes:opted_in");
        assertThat(reason(Category.UTILITY, state(Action.OPT_IN, Scope.ALL, Action.OPT_OUT, Scope.ALL), DEFAULT, recently))
                .isEqualTo("no:opted_out");
        assertThat(reason(Category.MARKETING, state(Action.OPT_OUT, Scope.ALL, Action.OPT_IN, Scope.ALL), STRICT, null))
                .as("a later opt-in wins").isEqualTo("yes:opted_in");
        assertThat(reason(Category.SERVICE, ConsentState.NONE, STRICT, recently)).isEqualTo("yes:within_window");
        assertThat(reason(Category.SERVICE, ConsentState.NONE, STRICT, longAgo)).isEqualTo("no:outside_window");
    }

    @Test
    void anOptedOutContactCanBeAnsweredOnlyAfterWritingAgain() {
        ConsentState out = state(Action.OPT_OUT, Scope.ALL);
        assertThat(reason(Category.SERVICE, out, DEFAULT, out.optedOutAt())).isEqualTo("no:opted_out");
        assertThat(reason(Category.SERVICE, out, DEFAULT, NOW.minus(Duration.ofMinutes(1)))).isEqualTo("yes:within_window");
        assertThat(reason(Category.UTILITY, out, DEFAULT, NOW.minus(Duration.ofMinutes(1)))).isEqualTo("no:opted_out");
    }

    @Test
    void entriesApplyInTimeOrderWhateverOrderTheyArrive() {
        TenantId t = new TenantId("acme");
        ConsentEvent in = ConsentEvent.of(t, "6281100", Action.OPT_IN, Scope.ALL, Source.IMPORT, NOW.minusSeconds(60), Map.of("f", "1"), "x");
        ConsentEvent out = ConsentEvent.of(t, "6281100", Action.OPT_OUT, Scope.ALL, Source.API, NOW, Map.of(), "x");
        assertThat(ConsentState.of(List.of(out, in)).optedOut()).isTrue();
        assertThat(ConsentState.of(List.of(in, out))).isEqualTo(ConsentState.of(List.of(out, in)));
        assertThat(ConsentEvent.of(t, "6281100", Action.OPT_IN, Scope.ALL, Source.IMPORT, NOW.minusSeconds(60), Map.of("f", "1"), "y").id())
                .as("the same fact has the same id").isEqualTo(in.id());
    }

    @Test
    void contactKeysAreInternationalNumbersOrBsuids() {
        assertThat(ContactKey.of("+62 812-3456-7890")).isEqualTo("6281234567890");
        assertThat(ContactKey.of("US.13491208655302741918")).isEqualTo("US.13491208655302741918");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContactKey.of("0812345")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContactKey.of("call me")).isInstanceOf(IllegalArgumentException.class);
    }
}
