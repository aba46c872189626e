package io.wabridge.core.channel;

import java.time.Instant;

/**
 * One onboarding step of a channel, as recorded: {@code pending}, {@code done}, {@code skipped} or
 * {@code failed} (with Meta's error code and message, and when a retry makes sense).
 */
public record OnboardingStep(String name, String status, int attempts, Integer errorCode, String error, Instant at, Instant retryAfter) {

    public static final String CODE_EXCHANGED = "code_exchanged";
    public static final String TOKEN_CHECKED = "token_checked";
    public static final String NUMBER_READ = "number_read";
    public static final String APP_SUBSCRIBED = "app_subscribed";
    public static final String NUMBER_REGISTERED = "number_registered";
    public static final String CREDIT_LINE_SHARED = "credit_line_shared";

    public static OnboardingStep pending(String name) {
        return new OnboardingStep(name, "pending", 0, null, null, null, null);
    }

    public OnboardingStep done(Instant now) {
        return new OnboardingStep(name, "done", attempts + 1, null, null, now, null);
    }

    public OnboardingStep skipped(String why, Instant now) {
        return new OnboardingStep(name, "skipped", attempts, null, why, now, null);
    }

    public OnboardingStep failed(Integer code, String message, Instant now, Instant retryAfter) {
        return new OnboardingStep(name, "failed", attempts + 1, code, message, now, retryAfter);
    }

    public boolean finished() {
        return status.equals("done") || status.equals("skipped");
    }
}
