package io.wabridge.functions.signup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.OnboardingStep;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** A channel as the API shows it: never the token or PIN. Absent values are left out, except where noted. */
@JsonInclude(Include.NON_NULL)
record ChannelView(@JsonInclude(Include.ALWAYS) String phoneNumberId, @JsonInclude(Include.ALWAYS) String wabaId, String businessId,
                   String displayPhoneNumber, String verifiedName, String qualityRating, String messagingLimit, String throughput,
                   @JsonInclude(Include.ALWAYS) String status, String statusReason, String statusUntil, String tokenExpiresAt,
                   boolean coexistence, HealthView health, String connectedAt, String updatedAt, Onboarding onboarding) {

    @JsonInclude(Include.NON_NULL)
    record HealthView(Boolean tokenValid, @JsonInclude(Include.ALWAYS) List<String> tokenScopes, String nameStatus, String numberStatus,
                      String checkedAt) {}

    record Onboarding(List<Step> steps) {}

    @JsonInclude(Include.NON_NULL)
    record Step(String name, String status, int attempts, Integer errorCode, String error, String at, String retryAfter) {}

    static ChannelView of(Channel ch) {
        Channel.Health h = ch.health();
        HealthView health = h.checkedAt() != null || h.nameStatus() != null
                ? new HealthView(h.tokenValid(), h.tokenScopes(), h.nameStatus(), h.numberStatus(), text(h.checkedAt())) : null;
        List<Step> steps = ch.steps().stream().map(ChannelView::step).toList();
        return new ChannelView(ch.phoneNumberId(), ch.wabaId(), ch.businessId(), ch.displayPhoneNumber(), ch.verifiedName(), ch.qualityRating(),
                ch.messagingLimit(), ch.throughput(), ch.status().wireName(), ch.statusReason(), text(ch.statusUntil()),
                ch.tokenExpiresAt() == null ? "never" : ch.tokenExpiresAt().toString(), ch.coexistence(), health, text(ch.connectedAt()),
                text(ch.updatedAt()), new Onboarding(steps));
    }

    /** What a signup, resume or disconnect did: the outcome, the channel (if one) and a detail (why it is incomplete). */
    @JsonInclude(Include.NON_EMPTY)
    record Result(String outcome, ChannelView channel, String detail) {

        static Result of(String outcome, Channel channel, String detail) {
            if (channel != null && detail == null && channel.status() == Channel.Status.ONBOARDING_INCOMPLETE) {
                detail = channel.steps().stream().filter(s -> s.status().equals("failed"))
                        .map(s -> s.name() + " failed" + (s.errorCode() == null ? "" : " (Meta error " + s.errorCode() + ")"))
                        .collect(Collectors.joining("; "));
            }
            return new Result(outcome, channel == null ? null : ChannelView.of(channel), detail);
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Step step(OnboardingStep s) {
        return new Step(s.name(), s.status(), s.attempts(), s.errorCode(), s.error(), text(s.at()), text(s.retryAfter()));
    }
}
