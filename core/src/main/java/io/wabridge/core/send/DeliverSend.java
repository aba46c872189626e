package io.wabridge.core.send;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.ChannelReauth;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The outbound sender's work for one queued send: hold it while the channel needs re-authorisation, pace it
 * per number, record the attempt before calling Meta, and act on Meta's answer by error class — retry with
 * backoff and jitter, retry the pair limit at 4^n seconds, defer a per-user marketing cap by a day, fail
 * permanent errors with Meta's code and a {@code message.status} event, and on an invalid token put the
 * channel in {@code needs_reauth} and hold its sends. An attempt is recorded only over the record it was read from,
 * so two deliveries of one send that overlap never both call Meta. An attempt whose answer was lost is not sent again
 * until a check shows Meta did not take it.
 *
 * <p>That check is Meta's status webhook, which echoes our id ({@code biz_opaque_callback_data}) and reaches
 * the outbox through the inbound pipeline. A lost answer is sent again only once no status came in
 * {@link #CONFIRM_WAIT} and the inbound queue holds nothing a status could be waiting in, or in
 * {@link #CONFIRM_MAX} in any case. (A fixed 60 s wait sent 11 of 16 lost answers twice in the soak, whose
 * inbound pipeline was minutes behind under crashes and throttling; a 15-minute limit sent 28 of 45 twice in the
 * long soak, whose inbound backlog was 29 minutes deep.)
 */
public final class DeliverSend {

    /**
     * What the queue should do with the job; {@code state} is the send's state's wire name, or {@code missing} for a
     * job whose send has no record.
     */
    public record Result(boolean done, Duration retryAfter, String state) {
        static Result done(SendState state) {
            return new Result(true, null, state.wireName());
        }

        static Result retry(Duration after, SendState state) {
            return new Result(false, after, state.wireName());
        }
    }

    static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
    /** The least wait for Meta's status webhook before a lost answer may be taken to mean Meta did not take the send. */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(60);
    /** The inbound queue's own retries of a status: visibility 180 s × 5 receives before its dead-letter queue. */
    static final Duration INBOUND_RETRIES = Duration.ofMinutes(15);
    /**
     * The longest: past the inbound queue's retries and a backlog of up to an hour (its age alarm fires at 5
     * minutes), a status that has not arrived is not coming through the pipeline. The price: a send Meta really did
     * not take goes again up to an hour later while the inbound queue is busy.
     */
    static final Duration CONFIRM_MAX = Duration.ofMinutes(60);

    /** Whether the inbound queue holds nothing (visible, in flight or delayed) that a status could be waiting in. */
    @FunctionalInterface
    public interface InboundBacklog {
        boolean idle();
    }
    static final Duration PACE_WAIT = Duration.ofSeconds(10);
    /**
     * When a job whose send another delivery is attempting comes back: that delivery's Graph call has usually ended by
     * then; if not, the job waits for it as for any attempt whose answer is not recorded.
     */
    static final Duration CLAIMED_ELSEWHERE = Duration.ofSeconds(10);
    /**
     * How long a queued send without a record is taken to be one the API has not recorded (yet): past it, the record
     * was erased (contact erasure, tenant purge) and is not brought back.
     */
    static final Duration RECORD_GRACE = Duration.ofHours(1);
    /** Meta's per-user marketing cap (131049): try again no sooner than a day later. */
    static final Duration DEFER = Duration.ofHours(24);

    private final Outbox outbox;
    private final Channels channels;
    private final TokenVault vault;
    private final MetaMessages meta;
    private final SendPacer pacer;
    private final DomainEvents events;
    private final ChannelReauth reauth;
    private final InboundBacklog inbound;
    private final Clock clock;

    public DeliverSend(Outbox outbox, Channels channels, TokenVault vault, MetaMessages meta, SendPacer pacer, DomainEvents events,
                       InboundBacklog inbound, Clock clock) {
        this.outbox = Objects.requireNonNull(outbox);
        this.channels = Objects.requireNonNull(channels);
        this.vault = Objects.requireNonNull(vault);
        this.meta = Objects.requireNonNull(meta);
        this.pacer = Objects.requireNonNull(pacer);
        this.events = Objects.requireNonNull(events);
        this.inbound = Objects.requireNonNull(inbound);
        this.clock = Objects.requireNonNull(clock);
        this.reauth = new ChannelReauth(channels, events, clock);
    }

    public Result deliver(io.wabridge.core.inbound.TenantId tenant, String id) {
        return deliver(tenant, id, Instant.MAX);
    }

    /**
     * As {@link #deliver(io.wabridge.core.inbound.TenantId, String)}, within the caller's time budget: pacing
     * waits no later than {@code callBy}, the last moment Meta's call may start (a Lambda invocation's end
     * less the call's own timeout); a send whose number has no budget left by then goes back to the queue.
     */
    public Result deliver(io.wabridge.core.inbound.TenantId tenant, String id, Instant callBy) {
        return deliver(tenant, id, null, callBy);
    }

    /**
     * As {@link #deliver(io.wabridge.core.inbound.TenantId, String, Instant)}, for a job that carries its send
     * ({@code queued}, may be null): a send queued but not recorded (the API stopped between the two, or has not
     * recorded it yet) is recorded from the job and then handled as any send (sent, held, or failed on a disconnected
     * channel), if it is younger than {@link #RECORD_GRACE} and its channel is still there: were it dropped, the API's
     * record written after it would stay {@code queued} with no job. An older job without a record names a send that
     * was erased with its contact or tenant.
     */
    public Result deliver(io.wabridge.core.inbound.TenantId tenant, String id, OutboundMessage queued, Instant callBy) {
        Optional<OutboundMessage> found = outbox.get(tenant, id);
        if (found.isEmpty() && queued != null && queued.tenant().equals(tenant) && queued.id().equals(id)
                && clock.instant().isBefore(queued.createdAt().plus(RECORD_GRACE))
                && channels.get(tenant, queued.phoneNumberId().value()).isPresent()) {
            outbox.create(queued);
            found = outbox.get(tenant, id);
        }
        if (found.isEmpty()) {
            return new Result(true, null, "missing");
        }
        OutboundMessage m = found.get();
        if (m.settled()) {
            return Result.done(m.state());
        }
        if (m.state() == SendState.RETRYING && Integer.valueOf(131049).equals(m.errorCode())
                && clock.instant().isBefore(m.updatedAt().plus(DEFER))) {
            // Deferred a day, longer than SQS's longest visibility: wait out the rest.
            return Result.retry(Duration.between(clock.instant(), m.updatedAt().plus(DEFER)), SendState.RETRYING);
        }
        if (m.state() == SendState.SENDING || m.state() == SendState.UNCONFIRMED) {
            // An earlier attempt called Meta and its answer was lost: Meta echoes our id in the status webhook.
            Optional<io.wabridge.core.messaging.Wamid> wamid = outbox.confirmedWamid(m.id());
            if (wamid.isPresent()) {
                outbox.save(m.with(SendState.SENT, wamid.get(), m.attempts(), null, null, clock.instant()));
                return Result.done(SendState.SENT);
            }
            Duration waited = Duration.between(m.updatedAt(), clock.instant());
            if (waited.compareTo(CONFIRM_WAIT) < 0 || (waited.compareTo(CONFIRM_MAX) < 0 && !inbound.idle())) {
                // Only over what was read: the attempt this one waits for may have recorded its answer since.
                outbox.replace(m.with(SendState.UNCONFIRMED, null, m.attempts(), m.errorCode(), m.error(), m.updatedAt()), m);
                return Result.retry(nextConfirmCheck(waited), SendState.UNCONFIRMED);
            }
            // No status, and none can still be on its way: Meta did not take it; send again.
        }
        Channel channel = channels.get(tenant, m.phoneNumberId().value()).orElse(null);
        if (channel == null || (channel.status() == Channel.Status.DISCONNECTED && !channel.heldByMeta())) {
            return fail(m, null, "the channel is disconnected");
        }
        if (channel.status() == Channel.Status.RESTRICTED && channel.statusUntil() != null && !clock.instant().isBefore(channel.statusUntil())) {
            // The restriction Meta announced has ended.
            Channel lifted = channel.withStatus(Channel.Status.ACTIVE, clock.instant());
            channel = channels.replace(lifted, channel.updatedAt()) ? lifted : channels.get(tenant, m.phoneNumberId().value()).orElse(lifted);
        }
        if (channel.status() == Channel.Status.NEEDS_REAUTH) {
            outbox.save(m.with(SendState.HELD, null, m.attempts(), m.errorCode(), m.error(), clock.instant()));
            return Result.done(SendState.HELD);
        }
        if (channel.heldByMeta()) {
            // Meta's account event took the channel out of service: hold the send before any Graph call. A reinstatement
            // or signup run again releases it; a restriction's end lets it go when this job comes back.
            String why = "held: the channel is " + channel.status().wireName() + " (Meta's account_update " + channel.statusReason() + ")";
            outbox.save(m.with(SendState.HELD, null, m.attempts(), m.errorCode(), why, clock.instant()));
            if (channel.status() == Channel.Status.RESTRICTED && channel.statusUntil() != null) {
                return Result.retry(Duration.between(clock.instant(), channel.statusUntil()).plusSeconds(1), SendState.HELD);
            }
            return Result.done(SendState.HELD);
        }
        Optional<SecretValue> token = vault.reveal(new SecretContext(tenant.value(), m.phoneNumberId().value(), SecretField.BUSINESS_TOKEN));
        if (token.isEmpty()) {
            return needsReauth(m, channel, "the channel has no business token");
        }
        if (!pace(m.phoneNumberId().value(), throughput(channel), callBy)) {
            return Result.retry(Duration.ofSeconds(1 + ThreadLocalRandom.current().nextInt(3)), m.state());
        }
        int attempt = m.attempts() + 1;
        OutboundMessage sending = m.with(SendState.SENDING, null, attempt, m.errorCode(), m.error(), clock.instant());
        if (!outbox.replace(sending, m)) {
            // Another delivery of this send read it at the same time and recorded its attempt first (the job received again
            // while this one worked on it, or queued twice by a retry with the same key): that one calls Meta. This job comes
            // back later and finds what became of it (a sent send, or an attempt to confirm).
            return Result.retry(CLAIMED_ELSEWHERE, m.state());
        }
        try {
            // Meta's answer may hold a marketing template for quality assessment: it has a wamid, so it is sent (never sent
            // again); the record keeps Meta's message_status, and the status webhooks that follow carry on as for any send.
            MetaMessages.Accepted accepted = meta.send(token.get().reveal(), m.phoneNumberId(), message(m));
            outbox.save(sending.sent(accepted.wamid(), attempt, accepted.messageStatus(), clock.instant()));
            return Result.done(SendState.SENT);
        } catch (MetaApiException e) {
            return onError(sending, channel, e);
        }
    }

    /**
     * Each check is a receive of the queued job (the outbound queue allows 10), so the checks space out: at 61 s,
     * then doubling (122 s, 244 s, 488 s, 976 s) while a status may still be in the inbound queue's retries, then
     * at the longest wait: 6 checks.
     */
    static Duration nextConfirmCheck(Duration waited) {
        if (waited.compareTo(CONFIRM_WAIT) < 0) {
            return CONFIRM_WAIT.minus(waited).plusSeconds(1);
        }
        Duration toMax = CONFIRM_MAX.minus(waited).plusSeconds(1);
        return waited.compareTo(INBOUND_RETRIES) < 0 && waited.compareTo(toMax) < 0 ? waited : toMax;
    }

    private Result onError(OutboundMessage m, Channel channel, MetaApiException e) {
        Instant now = clock.instant();
        return switch (SendErrors.classify(e)) {
            case UNCONFIRMED -> {
                outbox.save(m.with(SendState.UNCONFIRMED, null, m.attempts(), 0, "no answer from Meta: " + e.getMessage(), now));
                yield Result.retry(CONFIRM_WAIT.plusSeconds(1), SendState.UNCONFIRMED);
            }
            case RETRY -> retry(m, e, backoff(m.attempts(), Duration.ofSeconds(2)));
            case PAIR_RETRY -> retry(m, e, cap(Duration.ofSeconds((long) Math.pow(4, Math.min(m.attempts(), 6)))));
            case DEFER -> retry(m, e, DEFER);
            case REAUTH -> needsReauth(m, channel, "Meta refused the token (" + e.code() + ")");
            case PAUSE -> {
                Map<String, Object> d = detail(m);
                d.put("reason", "spam_rate_limit");
                d.put("errorCode", e.code());
                events.publishOnce(new DomainEvent("channel.alert", m.tenant(), "channel.alert#" + m.phoneNumberId().value() + "#131048#" + now.getEpochSecond() / 3600, d));
                yield retry(m, e, Duration.ofHours(1));
            }
            case FAIL -> fail(m, e.code(), e.getMessage());
        };
    }

    private Result retry(OutboundMessage m, MetaApiException e, Duration after) {
        outbox.save(m.with(SendState.RETRYING, null, m.attempts(), e.code(), e.getMessage(), clock.instant()));
        return Result.retry(after, SendState.RETRYING);
    }

    private Result fail(OutboundMessage m, Integer code, String message) {
        OutboundMessage failed = m.with(SendState.FAILED, null, m.attempts(), code, message, clock.instant());
        outbox.save(failed);
        Map<String, Object> d = detail(failed);
        d.put("status", "failed");
        if (code != null) {
            d.put("errors", java.util.List.of(Map.of("code", code, "title", message == null ? "" : message)));
        }
        events.publishOnce(new DomainEvent("message.status", m.tenant(), "message.status#" + m.id() + "#failed", d));
        return Result.done(SendState.FAILED);
    }

    private Result needsReauth(OutboundMessage m, Channel channel, String why) {
        outbox.save(m.with(SendState.HELD, null, m.attempts(), m.errorCode(), why, clock.instant()));
        reauth.require(channel, why);
        return Result.done(SendState.HELD);
    }

    /** Waits (briefly, and never past {@code callBy}) for the number's budget; the sender's instances share it through the pacer. */
    private boolean pace(String phoneNumberId, int perSecond, Instant callBy) {
        Instant waitUntil = clock.instant().plus(PACE_WAIT);
        Instant deadline = waitUntil.isBefore(callBy) ? waitUntil : callBy;
        while (!pacer.tryAcquire(phoneNumberId, perSecond)) {
            if (clock.instant().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(Math.max(0, Math.min(1000 - (clock.millis() % 1000) + ThreadLocalRandom.current().nextInt(20),
                        deadline.toEpochMilli() - clock.millis() + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Meta's throughput per number: 80 messages/s, 1,000 after a throughput upgrade, 20 for a coexistence number. */
    static int throughput(Channel channel) {
        if (channel.coexistence()) {
            return 20;
        }
        return "HIGH".equalsIgnoreCase(channel.throughput()) ? 1000 : 80;
    }

    static Duration backoff(int attempt, Duration base) {
        long millis = base.toMillis() << Math.min(attempt, 10);
        long jittered = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        return cap(Duration.ofMillis(jittered));
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * The message Meta is asked to send: our id (and the SaaS's own callback data) travels as
     * {@code biz_opaque_callback_data} and comes back on every status; a reaction carries none.
     */
    static MetaMessages.Message message(OutboundMessage m) {
        return new MetaMessages.Message(m.to(), m.content(), m.replyTo(), m.content() instanceof OutboundContent.Reaction ? null
                : io.wabridge.core.messaging.CallbackData.encode(m.id(), m.callbackData()));
    }

    private static Map<String, Object> detail(OutboundMessage m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tenantId", m.tenant().value());
        d.put("phoneNumberId", m.phoneNumberId().value());
        d.put("messageId", m.id());
        d.put("type", m.type());
        if (m.callbackData() != null) {
            d.put("bizOpaqueCallbackData", m.callbackData());
        }
        return d;
    }

}
