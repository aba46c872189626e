package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's WhatsApp number as WaBridge holds it: where onboarding stands, what Meta says of the number,
 * and when its business token expires. Its id is the phone number id; it keeps that id, and its history,
 * through re-authorisation and disconnection. Never holds the token or PIN (they are in the vault).
 *
 * @param tokenExpiresAt null when the token never expires
 * @param health         what the scheduled health check last learnt ({@link Health#NONE} before its first check)
 * @param statusReason   why Meta's account event put the channel in its status (e.g. {@code PARTNER_APP_UNINSTALLED}); null
 *                       when WaBridge or the tenant set it
 * @param statusUntil    when a restriction ends (null: not restricted, or no end known)
 */
public record Channel(TenantId tenant, String phoneNumberId, String wabaId, String businessId, String displayPhoneNumber,
                      String verifiedName, String qualityRating, String messagingLimit, String throughput, Status status,
                      Instant tokenExpiresAt, boolean coexistence, List<OnboardingStep> steps, Instant connectedAt, Instant updatedAt,
                      Health health, String statusReason, Instant statusUntil) {

    /** A channel whose status no account event set. */
    public Channel(TenantId tenant, String phoneNumberId, String wabaId, String businessId, String displayPhoneNumber,
                   String verifiedName, String qualityRating, String messagingLimit, String throughput, Status status,
                   Instant tokenExpiresAt, boolean coexistence, List<OnboardingStep> steps, Instant connectedAt, Instant updatedAt,
                   Health health) {
        this(tenant, phoneNumberId, wabaId, businessId, displayPhoneNumber, verifiedName, qualityRating, messagingLimit, throughput, status,
                tokenExpiresAt, coexistence, steps, connectedAt, updatedAt, health, null, null);
    }

    /** Channels are spread over the health check's period by a stable slot in {@code [0, HEALTH_SLOTS)}. */
    public static final int HEALTH_SLOTS = 10_000;

    /**
     * What the health check learnt last: whether Meta still takes the token ({@code debug_token}'s
     * {@code is_valid}) and its scopes, the number's display-name status and registration status
     * (Meta's {@code status}, e.g. CONNECTED), and when. Null values: not known yet.
     */
    public record Health(Boolean tokenValid, List<String> tokenScopes, String nameStatus, String numberStatus, Instant checkedAt) {
        public static final Health NONE = new Health(null, List.of(), null, null, null);

        public Health {
            tokenScopes = tokenScopes == null ? List.of() : List.copyOf(tokenScopes);
        }
    }

    public enum Status {
        ONBOARDING_INCOMPLETE("onboarding_incomplete"), ACTIVE("active"), NEEDS_REAUTH("needs_reauth"), DISCONNECTED("disconnected"),
        /** Meta disabled (banned) the WABA ({@code account_update} DISABLED_UPDATE); reversed when Meta reinstates it. */
        DISABLED("disabled"),
        /** Meta restricted the WABA's messaging until {@link #statusUntil()} ({@code account_update} ACCOUNT_RESTRICTION). */
        RESTRICTED("restricted");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Status fromWireName(String name) {
            for (Status s : values()) {
                if (s.wireName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown channel status " + name);
        }
    }

    public Channel {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(phoneNumberId);
        Objects.requireNonNull(wabaId);
        Objects.requireNonNull(status);
        steps = List.copyOf(steps);
        health = health == null ? Health.NONE : health;
    }

    /** The channel's health-check slot: a stable hash of the phone number id, spread evenly. */
    public int healthSlot() {
        return healthSlot(phoneNumberId);
    }

    /** The health-check slot of a phone number id. */
    public static int healthSlot(String phoneNumberId) {
        int h = phoneNumberId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, HEALTH_SLOTS);
    }

    /** Whether the health check looks after this channel (its token and number can still be checked). */
    public boolean healthChecked() {
        return status == Status.ACTIVE || status == Status.NEEDS_REAUTH || status == Status.DISABLED || status == Status.RESTRICTED;
    }

    /** This channel in {@code newStatus}, set by WaBridge or the tenant (any account-event reason is cleared). */
    public Channel withStatus(Status newStatus, Instant at) {
        return withStatus(newStatus, null, null, at);
    }

    /** This channel in {@code newStatus} because of Meta's account event {@code reason}, until {@code until} (may be null). */
    public Channel withStatus(Status newStatus, String reason, Instant until, Instant at) {
        return new Channel(tenant, phoneNumberId, wabaId, businessId, displayPhoneNumber, verifiedName, qualityRating, messagingLimit,
                throughput, newStatus, tokenExpiresAt, coexistence, steps,
                newStatus == Status.ACTIVE && status != Status.ACTIVE ? at : connectedAt, at, health, reason, until);
    }

    /** Whether Meta's account event (not the tenant) took the channel out of service, so its sends wait rather than fail. */
    public boolean heldByMeta() {
        return statusReason != null && status != Status.ACTIVE;
    }

    public Channel withNumber(String display, String name, String quality, String limit, String level, boolean onBusinessApp, Instant at) {
        return new Channel(tenant, phoneNumberId, wabaId, businessId, display, name, quality, limit, level, status, tokenExpiresAt,
                onBusinessApp, steps, connectedAt, at, health, statusReason, statusUntil);
    }

    public Channel withToken(String business, Instant expiresAt, Instant at) {
        return new Channel(tenant, phoneNumberId, wabaId, business, displayPhoneNumber, verifiedName, qualityRating, messagingLimit,
                throughput, status, expiresAt, coexistence, steps, connectedAt, at, health, statusReason, statusUntil);
    }

    public Channel withHealth(Health newHealth, Instant at) {
        return new Channel(tenant, phoneNumberId, wabaId, businessId, displayPhoneNumber, verifiedName, qualityRating, messagingLimit,
                throughput, status, tokenExpiresAt, coexistence, steps, connectedAt, at, newHealth, statusReason, statusUntil);
    }

    /** This channel with {@code step} replacing the step of the same name (appended if new). */
    public Channel withStep(OnboardingStep step, Instant at) {
        List<OnboardingStep> out = new ArrayList<>();
        boolean replaced = false;
        for (OnboardingStep s : steps) {
            if (s.name().equals(step.name())) {
                out.add(step);
                replaced = true;
            } else {
                out.add(s);
            }
        }
        if (!replaced) {
            out.add(step);
        }
        return new Channel(tenant, phoneNumberId, wabaId, businessId, displayPhoneNumber, verifiedName, qualityRating, messagingLimit,
                throughput, status, tokenExpiresAt, coexistence, out, connectedAt, at, health, statusReason, statusUntil);
    }

    public OnboardingStep step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public boolean allStepsDone() {
        return steps.stream().allMatch(OnboardingStep::finished);
    }

    /** Logs and exceptions name the channel, never more. */
    @Override
    public String toString() {
        return "Channel[" + tenant + ", " + phoneNumberId + ", " + status.wireName() + "]";
    }
}
