package io.wabridge.core.send;

import io.wabridge.core.Refusal;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.consent.CanSend;
import io.wabridge.core.consent.CheckCanSend;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepts a send: validates it, applies WhatsApp's rules that can be known before the call (approved
 * templates only, a channel that exists and finished onboarding, and the one send policy {@link CheckCanSend}
 * (which {@code GET /v1/contacts/{contact}/can-send} answers from too): the 24-hour window for anything but
 * templates, the consent ledger and the tenant's opt-in policy for templates by their category), then
 * queues it and records it. A request repeated with the same idempotency key gets the first answer and no
 * second send; another request with that key is refused ({@code 422 idempotency_key_reused}).
 */
public final class AcceptSend {

    /** The route whose requests idempotency keys are bound to (part of the request's fingerprint). */
    static final String ROUTE = "POST /v1/messages";

    /**
     * @param consent why the policy allowed it ({@link CanSend.Decision#reason()})
     * @param inWindow whether the contact wrote in the last 24 hours
     * @param templateChecked for a template send, whether it was checked against the synced template (existence,
     *                        approval, parameters); false when WaBridge has not synced it yet; null for other types
     */
    public record Accepted(String id, String state, boolean repeated, String consent, boolean inWindow, Boolean templateChecked) {}

    private final Channels channels;
    private final SendFacts facts;
    private final CheckCanSend policy;
    private final Outbox outbox;
    private final OutboundQueue queue;
    private final Clock clock;

    public AcceptSend(Channels channels, SendFacts facts, CheckCanSend policy, Outbox outbox, OutboundQueue queue, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.facts = Objects.requireNonNull(facts);
        this.policy = Objects.requireNonNull(policy);
        this.outbox = Objects.requireNonNull(outbox);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
    }

    public Accepted accept(SendRequest r) {
        return accept(r, "msg_");
    }

    /** As {@link #accept(SendRequest)}, the message id starting with {@code idPrefix} (so its statuses can be told apart). */
    public Accepted accept(SendRequest r, String idPrefix) {
        SendValidation.validate(r);
        if (r.callbackData() != null && (r.callbackData().isEmpty() || r.callbackData().length() > io.wabridge.core.messaging.CallbackData.MAX_TENANT_VALUE
                || r.type().equals("reaction"))) {
            throw SendRejected.invalid("biz_opaque_callback_data", "biz_opaque_callback_data must be 1 to "
                    + io.wabridge.core.messaging.CallbackData.MAX_TENANT_VALUE + " characters, on any type but reaction");
        }
        Channel channel = connected(channels, r.tenant(), r.phoneNumberId());
        if (channel.status() == Channel.Status.ONBOARDING_INCOMPLETE) {
            throw new SendRejected(Refusal.Kind.CONFLICT, "channel_not_ready", "channel", "the channel has not finished onboarding; resume it first");
        }
        Optional<SendFacts.TemplateFacts> template = r.content() instanceof OutboundContent.Template t ? template(r.tenant(), t, channel)
                : Optional.empty();
        Boolean templateChecked = r.content() instanceof OutboundContent.Template ? template.map(t -> t.shape() != null).orElse(false) : null;
        CanSend.Decision decision = checkPolicy(r, channel, template);

        String id = idPrefix + UUID.randomUUID().toString().replace("-", "");
        boolean repeated = false;
        if (r.idempotencyKey() != null) {
            // Stripe's rule: a key is bound to the request it was first used for (its fingerprint, written in the same
            // conditional put that reserves the key, so concurrent requests see it); any other request with the key is
            // refused, and the first send is left as it is.
            String fingerprint = r.fingerprint(ROUTE);
            Optional<Outbox.Reservation> earlier = outbox.reserve(r.tenant(), r.idempotencyKey(), fingerprint, id);
            if (earlier.isPresent()) {
                if (earlier.get().fingerprint() != null && !earlier.get().fingerprint().equals(fingerprint)) {
                    throw new SendRejected(Refusal.Kind.NOT_ALLOWED, "idempotency_key_reused", "Idempotency-Key",
                            "this Idempotency-Key was used for a different request; use a new key for a new message");
                }
                id = earlier.get().messageId();
                Optional<OutboundMessage> first = outbox.get(r.tenant(), id);
                if (first.isPresent()) {
                    return new Accepted(id, first.get().state().wireName(), true, decision.reason(), decision.inWindow(), templateChecked);
                }
                // Reserved but not recorded: the first request failed before its message was queued (or is still on
                // its way). Queue it under the same id; if both go out, the sender sends the id once.
                repeated = true;
            }
        }
        Instant now = clock.instant();
        OutboundMessage m = new OutboundMessage(id, r.tenant(), new io.wabridge.core.messaging.PhoneNumberId(r.phoneNumberId()), r.to(), r.content(), r.replyTo(), SendState.QUEUED,
                null, 0, null, null, now, now, r.callbackData());
        // Queued first, recorded second, so a send is never recorded without being queued: if the queue write fails
        // nothing is recorded and the caller gets an error (its retry with the same key queues it again); if this
        // process dies after queueing, the job carries the whole send and the sender records it. (An outbox that a
        // schedule sweeps would do the same with one more write per send and a delay.)
        queue.enqueue(m);
        if (!outbox.create(m)) {
            // Recorded already (by the sender from the job, or by a concurrent request with the same key and request).
            return new Accepted(id, outbox.get(r.tenant(), id).map(o -> o.state().wireName()).orElse(SendState.QUEUED.wireName()), repeated, decision.reason(),
                    decision.inWindow(), templateChecked);
        }
        return new Accepted(id, SendState.QUEUED.wireName(), repeated, decision.reason(), decision.inWindow(), templateChecked);
    }

    /**
     * The tenant's channel that is not disconnected, or that Meta's account event disconnected (its sends are held
     * until signup runs again). @throws SendRejected 404 {@code channel_unknown}
     */
    public static Channel connected(Channels channels, TenantId tenant, String phoneNumberId) {
        return channels.get(tenant, phoneNumberId == null ? "" : phoneNumberId)
                .filter(c -> c.status() != Channel.Status.DISCONNECTED || c.heldByMeta())
                .orElseThrow(() -> new SendRejected(Refusal.Kind.UNKNOWN, "channel_unknown", "channel", "no channel " + phoneNumberId + " for this tenant"));
    }

    /**
     * The template a send names, checked against what WaBridge synced from Meta: refused when it is not approved, when
     * the WABA's templates were synced and it is not among them ({@code template_unknown}), or when the send's
     * parameters do not fit its components ({@code template_params_mismatch}). A template WaBridge has never seen on a
     * WABA it never synced is let through unchecked (Meta decides).
     */
    private Optional<SendFacts.TemplateFacts> template(TenantId tenant, OutboundContent.Template t, Channel channel) {
        String name = t.name();
        String language = t.languageCode();
        io.wabridge.core.messaging.WabaId waba = new io.wabridge.core.messaging.WabaId(channel.wabaId());
        Optional<SendFacts.TemplateFacts> template = facts.template(tenant, waba, name, language);
        if (template.isPresent() && !"APPROVED".equalsIgnoreCase(template.get().status())) {
            throw new SendRejected(Refusal.Kind.NOT_ALLOWED, "template_not_approved", "template.name",
                    "template " + name + " (" + language + ") is " + template.get().status() + ", not APPROVED");
        }
        if (template.isEmpty() && facts.templatesSynced(tenant, waba)) {
            throw new SendRejected(Refusal.Kind.NOT_ALLOWED, "template_unknown", "template.name", "no template " + name + " in language " + language
                    + " on WABA " + channel.wabaId() + " among the templates synced from Meta (POST /v1/templates/sync if it was created since)");
        }
        template.map(SendFacts.TemplateFacts::shape).ifPresent(shape -> shape.check(name + " (" + language + ")", t.components()));
        return template;
    }

    /** @param template the template a template send names, as {@link #template} read it (one read per send) */
    private CanSend.Decision checkPolicy(SendRequest r, Channel channel, Optional<SendFacts.TemplateFacts> template) {
        String contact;
        try {
            contact = ContactKey.of(r.to());
        } catch (IllegalArgumentException e) {
            throw new SendRejected(Refusal.Kind.INVALID, "invalid_to", "to", e.getMessage());
        }
        CanSend.Category category = r.content() instanceof OutboundContent.Template ? policy.templateCategory(template) : CanSend.Category.SERVICE;
        CanSend.Decision d = policy.check(r.tenant(), contact, category, channel.phoneNumberId());
        if (!d.allowed()) {
            throw switch (d.reason()) {
                case "outside_window" -> new SendRejected(Refusal.Kind.NOT_ALLOWED, "outside_window", "type",
                        "free-form messages need the contact to have written in the last 24 hours; send an approved template");
                case "opted_out" -> new SendRejected(Refusal.Kind.NOT_ALLOWED, "opted_out", "to", "the contact opted out of messages from this business");
                case "marketing_stopped" -> new SendRejected(Refusal.Kind.NOT_ALLOWED, "marketing_stopped", "to",
                        "the contact stopped marketing messages from this business");
                default -> new SendRejected(Refusal.Kind.NOT_ALLOWED, "no_consent", "to", "the contact has not opted in to " + category.name().toLowerCase(java.util.Locale.ROOT)
                        + " messages from this business (a template whose category is not known counts as marketing); record their"
                        + " opt-in or send them an opt-in link");
            };
        }
        return d;
    }
}
