package io.wabridge.core.webhook;

import java.util.Objects;

/**
 * Use case for Meta's webhook POST: check the signature over the raw bytes, then hand the body to the
 * inbound queue. Nothing else happens before Meta gets its answer.
 */
public final class ReceiveWebhook {

    /** What the handler should answer Meta. */
    public enum Outcome { ACCEPTED, BAD_SIGNATURE }

    private final WebhookSignature signature;
    private final InboundQueue queue;

    public ReceiveWebhook(WebhookSignature signature, InboundQueue queue) {
        this.signature = Objects.requireNonNull(signature);
        this.queue = Objects.requireNonNull(queue);
    }

    /** Throws {@link InboundQueue.EnqueueFailed} when a valid body could not be stored. */
    public Outcome receive(String signatureHeader, byte[] rawBody) {
        if (!signature.isValid(signatureHeader, rawBody)) {
            return Outcome.BAD_SIGNATURE;
        }
        queue.enqueue(rawBody);
        return Outcome.ACCEPTED;
    }
}
