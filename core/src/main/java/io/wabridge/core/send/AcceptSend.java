package io.wabridge.core.send;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepts a send: validates it, applies WhatsApp's rules that can be known before the call (the 24-hour
 * window for anything but templates, approved templates only, no marketing to a contact who stopped it,
 * nothing to an opted-out contact, a channel that exists and finished onboarding), then records it and
 * queues it. A request repeated with the same idempotency key gets the first answer and no second send.
 */
public final class AcceptSend {

    /** The customer-service window a user's message opens. */
    public static final Duration WINDOW = Duration.ofHours(24);

    public record Accepted(String id, String state, boolean repeated) {}

    private final Channels channels;
    private final SendFacts facts;
    private final Outbox outbox;
    private final OutboundQueue queue;
    private final Clock clock;

    public AcceptSend(Channels channels, SendFacts facts, Outbox outbox, OutboundQueue queue, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.facts = Objects.requireNonNull(facts);
        this.outbox = Objects.requireNonNull(outbox);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
    }

    public Accepted accept(SendRequest r) {
        SendValidation.validate(r);
        Channel channel = channels.get(r.tenant(), r.phoneNumberId()).filter(c -> c.status() != Channel.Status.DISCONNECTED)
                .orElseThrow(() -> new SendRejected(404, "channel_unknown", "channel", "no channel " + r.phoneNumberId() + " for this tenant"));
        if (channel.status() == Channel.Status.ONBOARDING_INCOMPLETE) {
            throw new SendRejected(409, "channel_not_ready", "channel", "the channel has not finished onboarding; resume it first");
        }
        checkPolicy(r, channel);

        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        if (r.idempotencyKey() != null) {
            Optional<String> earlier = outbox.reserve(r.tenant(), r.idempotencyKey(), id);
            if (earlier.isPresent()) {
                id = earlier.get();
                Optional<OutboundMessage> first = outbox.get(r.tenant(), id);
                if (first.isPresent()) {
                    return new Accepted(id, first.get().state(), true);
                }
                // The first request reserved the key but stopped before recording: finish it under the same id.
            }
        }
        Instant now = clock.instant();
        OutboundMessage m = new OutboundMessage(id, r.tenant(), r.phoneNumberId(), r.to(), r.type(), r.content(), r.replyTo(), "queued",
                null, 0, null, null, now, now);
        outbox.save(m);
        queue.enqueue(m);
        return new Accepted(id, "queued", false);
    }

    private void checkPolicy(SendRequest r, Channel channel) {
        Optional<SendFacts.ContactFacts> contact = facts.contact(r.tenant(), r.phoneNumberId(), r.to());
        if (contact.isPresent() && contact.get().optedOut()) {
            throw new SendRejected(422, "opted_out", "to", "the contact opted out of messages from this business");
        }
        if (!r.type().equals("template")) {
            Instant last = contact.map(SendFacts.ContactFacts::lastInboundAt).orElse(null);
            if (last == null || !clock.instant().isBefore(last.plus(WINDOW))) {
                throw new SendRejected(422, "outside_window", "type",
                        "free-form messages need the contact to have written in the last 24 hours; send an approved template");
            }
            return;
        }
        String name = (String) r.content().get("name");
        String language = (String) ((Map<?, ?>) r.content().get("language")).get("code");
        Optional<SendFacts.TemplateFacts> template = facts.template(r.tenant(), channel.wabaId(), name, language);
        if (template.isPresent()) {
            String status = template.get().status();
            if (!"APPROVED".equalsIgnoreCase(status)) {
                throw new SendRejected(422, "template_not_approved", "template.name",
                        "template " + name + " (" + language + ") is " + status + ", not APPROVED");
            }
            if ("MARKETING".equalsIgnoreCase(template.get().category()) && contact.map(SendFacts.ContactFacts::marketingStopped).orElse(false)) {
                throw new SendRejected(422, "marketing_stopped", "to", "the contact stopped marketing messages from this business");
            }
        }
    }
}
