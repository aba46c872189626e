package io.wabridge.core.webhook;

import java.util.List;
import java.util.Objects;

/**
 * Use case for Meta's webhook POST: check the signature over the raw bytes, split the delivery into its
 * updates and queue them all. Nothing else happens before Meta gets its answer.
 */
public final class ReceiveWebhook {

    /** What the handler should answer Meta, and how many updates were queued. */
    public record Result(Outcome outcome, int updates) {}

    public enum Outcome { ACCEPTED, BAD_SIGNATURE, MALFORMED }

    private final WebhookSignature signature;
    private final WebhookSplitter splitter;
    private final InboundQueue queue;

    public ReceiveWebhook(WebhookSignature signature, WebhookSplitter splitter, InboundQueue queue) {
        this.signature = Objects.requireNonNull(signature);
        this.splitter = Objects.requireNonNull(splitter);
        this.queue = Objects.requireNonNull(queue);
    }

    /** Throws {@link InboundQueue.EnqueueFailed} when valid updates could not be stored. */
    public Result receive(String signatureHeader, byte[] rawBody) {
        if (!signature.isValid(signatureHeader, rawBody)) {
            return new Result(Outcome.BAD_SIGNATURE, 0);
        }
        List<WebhookUpdate> updates;
        try {
            updates = splitter.split(rawBody);
        } catch (MalformedWebhook e) {
            return new Result(Outcome.MALFORMED, 0);
        }
        if (!updates.isEmpty()) {
            queue.enqueue(updates);
        }
        return new Result(Outcome.ACCEPTED, updates.size());
    }
}
