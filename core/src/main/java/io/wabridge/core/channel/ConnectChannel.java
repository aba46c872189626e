package io.wabridge.core.channel;

import io.wabridge.core.Refusal;
import io.wabridge.core.channel.Channel.Status;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Embedded Signup's backend: from the popup's code and ids to a channel that can send. The code is
 * exchanged at once (it lives 30 seconds), the token checked with {@code debug_token}, the number and
 * WABA claimed for the tenant (all or nothing), the token and a generated PIN sealed in the vault, and then
 * each remaining step (read the number, subscribe the app, register, share the credit line) is run and
 * recorded on the channel. A step that fails leaves the channel {@code onboarding_incomplete} with the
 * failure recorded; {@link #resume} runs what did not finish without redoing what did.
 */
public final class ConnectChannel {

    /** How long a signup session (and its state) is valid. */
    public static final Duration SESSION_TTL = Duration.ofMinutes(15);
    /** Meta blocks a number's registration for 72 hours after too many attempts (133016). */
    static final Duration REGISTRATION_BLOCK = Duration.ofHours(72);

    public enum Mode { TECH_PROVIDER, SOLUTION_PARTNER }

    /** What the popup reported, posted by the front end. */
    public record Completion(String state, String event, String code, String wabaId, String phoneNumberId, String businessId,
                             String currentStep, String errorMessage, String errorCode) {}

    /** The outcome: a channel (ready or not), or a recorded cancellation / WABA-only finish. */
    public record Result(String outcome, Channel channel, String wabaId, String detail) {}

    public record Started(String sessionId, String state, Instant expiresAt) {}

    private final SignupState states;
    private final SignupSessions sessions;
    private final MetaOnboarding meta;
    private final RoutingClaims routing;
    private final Channels channels;
    private final TokenVault vault;
    private final DomainEvents events;
    private final Mode mode;
    private final Clock clock;
    private final ChannelActivated activated;

    public ConnectChannel(SignupState states, SignupSessions sessions, MetaOnboarding meta, RoutingClaims routing, Channels channels,
                          TokenVault vault, DomainEvents events, Mode mode, Clock clock, ChannelActivated activated) {
        this.activated = Objects.requireNonNull(activated);
        this.states = Objects.requireNonNull(states);
        this.sessions = Objects.requireNonNull(sessions);
        this.meta = Objects.requireNonNull(meta);
        this.routing = Objects.requireNonNull(routing);
        this.channels = Objects.requireNonNull(channels);
        this.vault = Objects.requireNonNull(vault);
        this.events = Objects.requireNonNull(events);
        this.mode = Objects.requireNonNull(mode);
        this.clock = Objects.requireNonNull(clock);
    }

    public Mode mode() {
        return mode;
    }

    /** A new single-use session for the tenant. */
    public Started start(TenantId tenant) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString().replace("-", "");
        Instant expiresAt = now.plus(SESSION_TTL);
        sessions.create(new SignupSessions.Session(id, tenant, now, expiresAt, null));
        return new Started(id, states.issue(new SignupState.Claims(id, tenant, expiresAt)), expiresAt);
    }

    /** The session a state names, checked (for the hosted page); not consumed. */
    public SignupState.Claims check(String state) {
        SignupState.Claims claims = states.verify(state, clock.instant());
        SignupSessions.Session session = sessions.get(claims.sessionId())
                .orElseThrow(() -> new SignupRejected(Refusal.Kind.INVALID, "state_invalid", "no such signup session"));
        if (session.outcome() != null) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_used", "this signup session was used already; start a new one");
        }
        return claims;
    }

    /**
     * Completes a session. {@code caller} is the JWT's tenant, or null on the hosted page (where the signed
     * state is the credential).
     */
    public Result complete(TenantId caller, Completion c) {
        SignupState.Claims claims = states.verify(c.state(), clock.instant());
        if (caller != null && !caller.equals(claims.tenant())) {
            throw new SignupRejected(Refusal.Kind.NOT_GRANTED, "tenant_mismatch", "this signup session belongs to another tenant");
        }
        TenantId tenant = claims.tenant();
        String event = c.event() == null ? "" : c.event();
        if (event.equals("CANCEL") || event.equals("ERROR")) {
            String detail = c.errorMessage() != null
                    ? "error " + Objects.requireNonNullElse(c.errorCode(), "?") + ": " + c.errorMessage()
                    : "cancelled at " + Objects.requireNonNullElse(c.currentStep(), "an unknown step");
            consume(claims, "cancelled: " + detail);
            Map<String, Object> d = base(tenant);
            d.put("event", event);
            putIfPresent(d, "currentStep", c.currentStep());
            putIfPresent(d, "errorMessage", c.errorMessage());
            putIfPresent(d, "errorCode", c.errorCode());
            events.publishOnce(new DomainEvent("signup.cancelled", tenant, "signup.cancelled#" + claims.sessionId(), d));
            return new Result("cancelled", null, null, detail);
        }
        boolean wabaOnly = event.equals("FINISH_ONLY_WABA");
        if (!event.startsWith("FINISH")) {
            throw new SignupRejected(Refusal.Kind.INVALID, "event_invalid", "event must be FINISH, FINISH_ONLY_WABA, "
                    + "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING, CANCEL or ERROR");
        }
        requireId("waba_id", c.wabaId());
        if (!wabaOnly) {
            requireId("phone_number_id", c.phoneNumberId());
        }
        if (c.code() == null || c.code().isBlank()) {
            throw new SignupRejected(Refusal.Kind.INVALID, "code_missing", "code (from FB.login's authResponse) is required");
        }
        consume(claims, "in_progress");

        String token;
        try {
            token = meta.exchangeCode(c.code());
        } catch (MetaApiException e) {
            sessions.recordOutcome(claims.sessionId(), "failed: code exchange " + e.code());
            if (e.transport() || e.httpStatus() >= 500) {
                throw new SignupRejected(Refusal.Kind.UPSTREAM_FAILED, "meta_unavailable", "Meta did not answer the code exchange; run the signup popup again");
            }
            throw new SignupRejected(Refusal.Kind.INVALID, "code_invalid", "Meta refused the code (it lives 30 seconds and works once); run the signup popup again");
        }
        MetaOnboarding.TokenInfo info = meta.inspect(token);
        if (!info.valid()) {
            throw new SignupRejected(Refusal.Kind.INVALID, "token_invalid", "Meta says the new business token is not valid; run the signup popup again");
        }
        // The ids come from the browser: only what the token proves is bound (a tenant must never claim
        // another business's number). The WABA must be a target of the token's granular scopes...
        if (!info.grants(c.wabaId())) {
            sessions.recordOutcome(claims.sessionId(), "failed: token without the WABA");
            throw new SignupRejected(Refusal.Kind.NOT_GRANTED, "number_not_granted", "the business token does not grant WABA " + c.wabaId());
        }
        if (wabaOnly) {
            meta.subscribe(token, c.wabaId());
            sessions.recordOutcome(claims.sessionId(), "waba_only");
            Map<String, Object> d = base(tenant);
            d.put("wabaId", c.wabaId());
            events.publishOnce(new DomainEvent("signup.waba_only", tenant, "signup.waba_only#" + claims.sessionId(), d));
            return new Result("waba_only", null, c.wabaId(), "the WABA was shared without a phone number; add a number and run signup again");
        }
        // ...and the number one of that WABA's numbers, as Meta lists them to this token.
        if (!proves(token, c.wabaId(), c.phoneNumberId(), claims)) {
            sessions.recordOutcome(claims.sessionId(), "failed: number not granted");
            throw new SignupRejected(Refusal.Kind.NOT_GRANTED, "number_not_granted", "phone number " + c.phoneNumberId() + " is not one of WABA "
                    + c.wabaId() + "'s numbers that the business token grants");
        }
        if (!routing.claim(tenant, c.wabaId(), c.phoneNumberId()) && !takeOver(tenant, c.wabaId(), c.phoneNumberId())) {
            sessions.recordOutcome(claims.sessionId(), "failed: number owned by another tenant");
            throw new SignupRejected(Refusal.Kind.CONFLICT, "number_taken", "phone number " + c.phoneNumberId() + " belongs to another tenant");
        }
        Instant now = clock.instant();
        vault.put(context(tenant, c.phoneNumberId(), SecretField.BUSINESS_TOKEN), SecretValue.of(token));
        if (vault.reveal(context(tenant, c.phoneNumberId(), SecretField.REGISTRATION_PIN)).isEmpty()) {
            vault.put(context(tenant, c.phoneNumberId(), SecretField.REGISTRATION_PIN), SecretValue.of(pin()));
        }
        Channel channel = channels.get(tenant, c.phoneNumberId())
                .map(existing -> reauthorize(existing, now))
                .orElseGet(() -> fresh(tenant, c, now));
        channel = channel.withToken(c.businessId(), info.expiresAt(), now)
                .withStep(OnboardingStep.pending(OnboardingStep.CODE_EXCHANGED).done(now), now)
                .withStep(OnboardingStep.pending(OnboardingStep.TOKEN_CHECKED).done(now), now);
        channels.save(channel);
        channel = runSteps(channel, token);
        sessions.recordOutcome(claims.sessionId(), channel.status() == Status.ACTIVE ? "connected" : "onboarding_incomplete");
        return new Result(channel.status().wireName(), channel, channel.wabaId(), null);
    }

    /** Whether Meta lists the number among the WABA's numbers to this token; a refusal proves nothing. */
    private boolean proves(String token, String wabaId, String phoneNumberId, SignupState.Claims claims) {
        try {
            return meta.wabaNumbers(token, wabaId).contains(phoneNumberId);
        } catch (MetaApiException e) {
            if (e.transport() || e.httpStatus() >= 500) {
                sessions.recordOutcome(claims.sessionId(), "failed: number read " + e.code());
                throw new SignupRejected(Refusal.Kind.UPSTREAM_FAILED, "meta_unavailable", "Meta did not answer the phone number read; run the signup popup again");
            }
            return false;
        }
    }

    /**
     * The tenant proved the number, but another tenant owns it (or the WABA). Ownership moves only when the
     * owner's own stored token no longer proves it (revoked, or without the WABA or the number now): then
     * the routing moves in one transaction with an audit record for both, the old owner's channel is
     * disconnected (its token destroyed) and both are told. While the owner still proves it, it stays.
     *
     * @return false if the owner keeps it
     */
    private boolean takeOver(TenantId tenant, String wabaId, String phoneNumberId) {
        java.util.Set<TenantId> owners = new java.util.LinkedHashSet<>();
        routing.numberOwner(phoneNumberId).ifPresent(owners::add);
        routing.wabaOwner(wabaId).ifPresent(owners::add);
        owners.remove(tenant);
        if (owners.size() != 1) {
            return false;
        }
        TenantId old = owners.iterator().next();
        if (stillHolds(old, wabaId, phoneNumberId)) {
            return false;
        }
        Instant now = clock.instant();
        if (!routing.move(tenant, old, wabaId, phoneNumberId, "the previous owner's business token no longer grants the number", now)) {
            return false;
        }
        channels.get(old, phoneNumberId).filter(ch -> ch.status() != Status.DISCONNECTED).ifPresent(ch -> {
            vault.destroy(context(old, phoneNumberId, SecretField.BUSINESS_TOKEN));
            Channel disconnected = ch.withStatus(Status.DISCONNECTED, now);
            channels.save(disconnected);
            Map<String, Object> d = channelDetail(disconnected);
            d.put("reason", "ownership_moved");
            events.publishOnce(new DomainEvent("channel.disconnected", old, "channel.disconnected#" + phoneNumberId + "#" + now.toEpochMilli(), d));
        });
        // Neither tenant is told the other's id.
        for (TenantId t : List.of(old, tenant)) {
            Map<String, Object> d = base(t);
            d.put("phoneNumberId", phoneNumberId);
            d.put("wabaId", wabaId);
            d.put("role", t.equals(tenant) ? "gained" : "lost");
            events.publishOnce(new DomainEvent("channel.ownership_moved", t, "channel.ownership_moved#" + phoneNumberId + "#" + t.value()
                    + "#" + now.toEpochMilli(), d));
        }
        return true;
    }

    /**
     * Whether {@code owner}'s stored token still proves the WABA (and the number, when the owner has a channel
     * for it). Meta refusing the token is an answer (it does not); Meta not answering is not, and stops the signup.
     */
    private boolean stillHolds(TenantId owner, String wabaId, String phoneNumberId) {
        Optional<Channel> channel = channels.get(owner, phoneNumberId).filter(ch -> ch.status() != Status.DISCONNECTED)
                .or(() -> channels.all(owner).stream().filter(ch -> ch.wabaId().equals(wabaId) && ch.status() != Status.DISCONNECTED).findFirst());
        if (channel.isEmpty()) {
            return false;
        }
        Optional<String> token = vault.reveal(context(owner, channel.get().phoneNumberId(), SecretField.BUSINESS_TOKEN)).map(SecretValue::reveal);
        if (token.isEmpty()) {
            return false;
        }
        try {
            MetaOnboarding.TokenInfo info = meta.inspect(token.get());
            if (!info.valid() || !info.grants(wabaId)) {
                return false;
            }
            return !channel.get().phoneNumberId().equals(phoneNumberId) || meta.wabaNumbers(token.get(), wabaId).contains(phoneNumberId);
        } catch (MetaApiException e) {
            if (e.transport() || e.httpStatus() >= 500) {
                throw new SignupRejected(Refusal.Kind.UPSTREAM_FAILED, "meta_unavailable", "Meta did not answer while checking the number's current owner; try again");
            }
            return false;
        }
    }

    /** Runs the steps that did not finish, with the stored token (and a PIN the customer gives, after 133005). */
    public Channel resume(TenantId tenant, String phoneNumberId, String pin) {
        Channel channel = channels.get(tenant, phoneNumberId)
                .orElseThrow(() -> new SignupRejected(Refusal.Kind.UNKNOWN, "channel_unknown", "no channel " + phoneNumberId + " for this tenant"));
        if (channel.status() != Status.ONBOARDING_INCOMPLETE) {
            throw new SignupRejected(Refusal.Kind.CONFLICT, "nothing_to_resume", "channel " + phoneNumberId + " is " + channel.status().wireName());
        }
        if (pin != null) {
            if (!pin.matches("[0-9]{6}")) {
                throw new SignupRejected(Refusal.Kind.INVALID, "pin_invalid", "pin must be 6 digits");
            }
            vault.put(context(tenant, phoneNumberId, SecretField.REGISTRATION_PIN), SecretValue.of(pin));
        }
        String token = vault.reveal(context(tenant, phoneNumberId, SecretField.BUSINESS_TOKEN)).map(SecretValue::reveal)
                .orElseThrow(() -> new SignupRejected(Refusal.Kind.CONFLICT, "reauthorization_required", "the channel has no business token; run signup again"));
        return runSteps(channel, token);
    }

    /**
     * Disconnects a channel: optionally deregisters the number, unsubscribes the app from the WABA when no
     * other channel of the tenant uses it, destroys the token, and releases the routing. Meta
     * refusing (e.g. the token was revoked already) does not stop the disconnection; it is reported.
     */
    public Result disconnect(TenantId tenant, String phoneNumberId, boolean deregister) {
        Channel channel = channels.get(tenant, phoneNumberId)
                .filter(ch -> ch.status() != Status.DISCONNECTED)
                .orElseThrow(() -> new SignupRejected(Refusal.Kind.UNKNOWN, "channel_unknown", "no connected channel " + phoneNumberId + " for this tenant"));
        Optional<String> token = vault.reveal(context(tenant, phoneNumberId, SecretField.BUSINESS_TOKEN)).map(SecretValue::reveal);
        StringBuilder problems = new StringBuilder();
        boolean wabaShared = otherChannelsOn(tenant, channel);
        if (token.isPresent()) {
            if (deregister) {
                attempt(problems, "deregister", () -> meta.deregister(token.get(), phoneNumberId));
            }
            if (!wabaShared) {
                attempt(problems, "unsubscribe", () -> meta.unsubscribe(token.get(), channel.wabaId()));
            }
        }
        // The token is destroyed; the PIN stays sealed: it remains the number's two-step verification PIN at
        // Meta, and re-registering after a reconnect needs it (133005 otherwise).
        vault.destroy(context(tenant, phoneNumberId, SecretField.BUSINESS_TOKEN));
        routing.release(tenant, channel.wabaId(), phoneNumberId, !wabaShared);
        Instant now = clock.instant();
        Channel disconnected = channel.withStatus(Status.DISCONNECTED, now);
        channels.save(disconnected);
        Map<String, Object> d = channelDetail(disconnected);
        events.publishOnce(new DomainEvent("channel.disconnected", tenant, "channel.disconnected#" + phoneNumberId + "#" + now.toEpochMilli(), d));
        return new Result("disconnected", disconnected, channel.wabaId(), problems.isEmpty() ? null : problems.toString());
    }

    private boolean otherChannelsOn(TenantId tenant, Channel channel) {
        return channels.all(tenant).stream().anyMatch(other -> !other.phoneNumberId().equals(channel.phoneNumberId())
                && other.wabaId().equals(channel.wabaId()) && other.status() != Status.DISCONNECTED);
    }

    private static void attempt(StringBuilder problems, String what, Runnable call) {
        try {
            call.run();
        } catch (MetaApiException e) {
            problems.append(problems.isEmpty() ? "" : "; ").append(what).append(" failed with Meta error ").append(e.code());
        }
    }

    private Channel fresh(TenantId tenant, Completion c, Instant now) {
        List<OnboardingStep> steps = new java.util.ArrayList<>(List.of(OnboardingStep.pending(OnboardingStep.NUMBER_READ),
                OnboardingStep.pending(OnboardingStep.APP_SUBSCRIBED), OnboardingStep.pending(OnboardingStep.NUMBER_REGISTERED)));
        if (mode == Mode.SOLUTION_PARTNER) {
            steps.add(OnboardingStep.pending(OnboardingStep.CREDIT_LINE_SHARED));
        }
        return new Channel(tenant, c.phoneNumberId(), c.wabaId(), c.businessId(), null, null, null, null, null,
                Status.ONBOARDING_INCOMPLETE, null, "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING".equals(c.event()), steps, null, now, null);
    }

    /** Re-authorisation keeps the channel, its history and the steps that need no redoing (registration, credit line). */
    private Channel reauthorize(Channel existing, Instant now) {
        return existing.withStatus(Status.ONBOARDING_INCOMPLETE, now)
                .withStep(OnboardingStep.pending(OnboardingStep.NUMBER_READ), now)
                .withStep(OnboardingStep.pending(OnboardingStep.APP_SUBSCRIBED), now);
    }

    private Channel runSteps(Channel channel, String token) {
        channel = step(channel, OnboardingStep.NUMBER_READ, ch -> {
            MetaOnboarding.NumberInfo n = meta.number(token, ch.phoneNumberId());
            Channel read = ch.withNumber(n.displayPhoneNumber(), n.verifiedName(), n.qualityRating(), n.messagingLimit(), n.throughput(),
                    ch.coexistence() || n.onBusinessApp(), clock.instant());
            OnboardingStep registered = read.step(OnboardingStep.NUMBER_REGISTERED);
            if (registered != null && registered.status().equals("done") && !"CONNECTED".equals(n.status())) {
                // Registered once, but not any more (deregistered, or never finished at Meta): register again.
                read = read.withStep(OnboardingStep.pending(OnboardingStep.NUMBER_REGISTERED), clock.instant());
            }
            return read;
        });
        // Subscribe before anything that relies on webhooks (and before any callback override).
        channel = step(channel, OnboardingStep.APP_SUBSCRIBED, ch -> {
            meta.subscribe(token, ch.wabaId());
            return ch;
        });
        OnboardingStep register = channel.step(OnboardingStep.NUMBER_REGISTERED);
        if (register != null && !register.finished() && channel.coexistence()) {
            channel = channel.withStep(register.skipped("coexistence number: stays on the WhatsApp Business app", clock.instant()), clock.instant());
        } else if (register != null && !register.finished() && register.retryAfter() != null && clock.instant().isBefore(register.retryAfter())) {
            // Meta blocks registration until then; leave the failure as recorded.
        } else {
            channel = step(channel, OnboardingStep.NUMBER_REGISTERED, ch -> {
                String pin = vault.reveal(context(ch.tenant(), ch.phoneNumberId(), SecretField.REGISTRATION_PIN)).orElseThrow().reveal();
                meta.register(token, ch.phoneNumberId(), pin);
                return ch;
            });
        }
        channel = step(channel, OnboardingStep.CREDIT_LINE_SHARED, ch -> {
            meta.shareCreditLine(ch.wabaId(), meta.wabaCurrency(token, ch.wabaId()));
            return ch;
        });
        Instant now = clock.instant();
        if (channel.allStepsDone() && channel.status() != Status.ACTIVE) {
            channel = channel.withStatus(Status.ACTIVE, now);
            channels.save(channel);
            events.publishOnce(new DomainEvent("channel.connected", channel.tenant(), "channel.connected#" + channel.phoneNumberId() + "#"
                    + channel.connectedAt().toEpochMilli(), channelDetail(channel)));
            activated.activated(channel);
        }
        return channel;
    }

    private interface StepAction {
        Channel run(Channel channel);
    }

    /** Runs a step that is pending or failed, records the result and saves the channel after it. */
    private Channel step(Channel channel, String name, StepAction action) {
        OnboardingStep step = channel.step(name);
        if (step == null || step.finished()) {
            return channel;
        }
        Channel out;
        try {
            out = action.run(channel);
            out = out.withStep(step.done(clock.instant()), clock.instant());
        } catch (MetaApiException e) {
            Instant now = clock.instant();
            Instant retryAfter = e.code() == 133016 ? now.plus(REGISTRATION_BLOCK) : null;
            out = channel.withStep(step.failed(e.code(), e.getMessage(), now, retryAfter), now);
        }
        channels.save(out);
        return out;
    }

    private void consume(SignupState.Claims claims, String outcome) {
        SignupSessions.Session session = sessions.get(claims.sessionId())
                .orElseThrow(() -> new SignupRejected(Refusal.Kind.INVALID, "state_invalid", "no such signup session"));
        if (!session.tenant().equals(claims.tenant()) || !sessions.consume(claims.sessionId(), outcome)) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_used", "this signup session was used already; start a new one");
        }
    }

    private static void requireId(String field, String value) {
        if (value == null || !value.matches("[0-9]{1,32}")) {
            throw new SignupRejected(Refusal.Kind.INVALID, field + "_invalid", field + " must be Meta's numeric id");
        }
    }

    private String pin() {
        return String.format("%06d", io.wabridge.core.random.Entropy.secureRandom().nextInt(1_000_000));
    }

    private static SecretContext context(TenantId tenant, String phoneNumberId, SecretField field) {
        return new SecretContext(tenant.value(), phoneNumberId, field);
    }


    private static Map<String, Object> base(TenantId tenant) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tenantId", tenant.value());
        return d;
    }

    static Map<String, Object> channelDetail(Channel ch) {
        Map<String, Object> d = base(ch.tenant());
        d.put("phoneNumberId", ch.phoneNumberId());
        d.put("wabaId", ch.wabaId());
        d.put("status", ch.status().wireName());
        putIfPresent(d, "displayPhoneNumber", ch.displayPhoneNumber());
        putIfPresent(d, "verifiedName", ch.verifiedName());
        return d;
    }

    private static void putIfPresent(Map<String, Object> d, String key, Object value) {
        if (value != null) {
            d.put(key, value);
        }
    }
}
