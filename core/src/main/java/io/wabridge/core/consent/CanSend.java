package io.wabridge.core.consent;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Whether a business-initiated message of a category may go to a contact, and why. Meta requires opt-in
 * before templates and that opt-outs are honoured; the 24-hour window decides which types may be sent and
 * does not replace opt-in, except that answering a person who wrote first is a conversation they started.
 *
 * <ul>
 *   <li>{@code opted_out}: the contact opted out of everything (a free-form reply is still allowed when the
 *       contact wrote after opting out);</li>
 *   <li>{@code marketing_stopped}: a marketing template to a contact who stopped marketing (STOP for
 *       marketing, WhatsApp's own setting, or Meta's 131050);</li>
 *   <li>{@code opted_in}: the ledger holds an opt-in covering the category;</li>
 *   <li>{@code opt_in_not_required}: the tenant's policy does not ask for opt-in for this category;</li>
 *   <li>{@code within_window}: a utility or authentication message to a contact who wrote in the last 24 h;</li>
 *   <li>{@code no_consent}: none of the above; send an opt-in link instead.</li>
 * </ul>
 */
public final class CanSend {

    public static final Duration WINDOW = Duration.ofHours(24);

    public enum Category {
        MARKETING, UTILITY, AUTHENTICATION, SERVICE;

        public static Category of(String wire) {
            try {
                return valueOf(wire.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("category must be one of marketing, utility, authentication");
            }
        }
    }

    /** What the tenant's settings ask for: opt-in before utility/authentication, before marketing. */
    public record Policy(boolean optInForUtility, boolean optInForMarketing) {}

    public record Decision(boolean allowed, String reason, boolean inWindow) {}

    private CanSend() {
    }

    /**
     * @param category {@link Category#SERVICE} for a free-form (non-template) message
     * @param lastInboundAt when the contact last wrote (null: never)
     */
    public static Decision decide(Category category, ConsentState state, Policy policy, Instant lastInboundAt, Instant now) {
        boolean inWindow = lastInboundAt != null && now.isBefore(lastInboundAt.plus(WINDOW));
        if (category == Category.SERVICE) {
            boolean wroteSinceOptOut = state.optedOutAt() == null || (lastInboundAt != null && lastInboundAt.isAfter(state.optedOutAt()));
            if (state.optedOut() && !wroteSinceOptOut) {
                return new Decision(false, "opted_out", inWindow);
            }
            return new Decision(inWindow, inWindow ? "within_window" : "outside_window", inWindow);
        }
        if (state.optedOut()) {
            return new Decision(false, "opted_out", inWindow);
        }
        if (category == Category.MARKETING) {
            if (state.marketing() == ConsentState.Standing.OUT) {
                return new Decision(false, "marketing_stopped", inWindow);
            }
            if (state.optedIn() || state.marketing() == ConsentState.Standing.IN) {
                return new Decision(true, "opted_in", inWindow);
            }
            return policy.optInForMarketing() ? new Decision(false, "no_consent", inWindow) : new Decision(true, "opt_in_not_required", inWindow);
        }
        if (state.optedIn()) {
            return new Decision(true, "opted_in", inWindow);
        }
        if (!policy.optInForUtility()) {
            return new Decision(true, "opt_in_not_required", inWindow);
        }
        return inWindow ? new Decision(true, "within_window", true) : new Decision(false, "no_consent", false);
    }
}
