package io.wabridge.core.webhook;

import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Use case for Meta's webhook POST: check the signature over the raw bytes, split the delivery into its
 * updates and queue them all. Nothing else happens before Meta gets its answer.
 */
public final class ReceiveWebhook {

    /** What the handler should answer Meta, and how many updates were queued. */
    public record Result(Outcome outcome, int updates) {}

    /** {@code IGNORED}: signed, but a delivery for another object than WhatsApp's (nothing queued; Meta gets its 200). */
    public enum Outcome { ACCEPTED, BAD_SIGNATURE, MALFORMED, IGNORED }

    private final WebhookSignature signature;
    private final WebhookSplitter splitter;
    private final InboundQueue queue;
    private final Metrics metrics;

    public ReceiveWebhook(WebhookSignature signature, WebhookSplitter splitter, InboundQueue queue) {
        this(signature, splitter, queue, Metrics.none());
    }

    /** Records every POST by outcome, the updates queued and how long queueing them took. */
    public ReceiveWebhook(WebhookSignature signature, WebhookSplitter splitter, InboundQueue queue, Metrics metrics) {
        this.signature = Objects.requireNonNull(signature);
        this.splitter = Objects.requireNonNull(splitter);
        this.queue = Objects.requireNonNull(queue);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** Throws {@link InboundQueue.EnqueueFailed} when valid updates could not be stored. */
    public Result receive(String signatureHeader, byte[] rawBody) {
        Result result = check(signatureHeader, rawBody);
        metrics.record(Metric.WEBHOOK_POSTS, result.outcome().name().toLowerCase(Locale.ROOT), 1);
        metrics.record(Metric.WEBHOOK_UPDATES, result.updates());
        return result;
    }

    /**
     * A delivery of more updates than this is kept whole (one durable write) and split by the inbound consumer; smaller
     * ones are queued update by update (one batch of ten or fewer, no second hop).
     */
    public static final int SPLIT_LATER_ABOVE = 20;

    /** The whole delivery as one record: its own message group (deliveries split in parallel), deduplicated by its bytes. */
    static WebhookUpdate delivery(byte[] rawBody) {
        try {
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(rawBody));
            return new WebhookUpdate("delivery-" + sha.substring(0, 32), "delivery-" + sha.substring(0, 64 - "delivery-".length()), rawBody);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Result check(String signatureHeader, byte[] rawBody) {
        if (!signature.isValid(signatureHeader, rawBody)) {
            return new Result(Outcome.BAD_SIGNATURE, 0);
        }
        List<WebhookUpdate> updates;
        try {
            updates = splitter.split(rawBody);
        } catch (WebhookSplitter.OtherObject e) {
            return new Result(Outcome.IGNORED, 0);
        } catch (MalformedWebhook e) {
            return new Result(Outcome.MALFORMED, 0);
        }
        if (!updates.isEmpty()) {
            long started = System.nanoTime();
            try {
                if (updates.size() > SPLIT_LATER_ABOVE) {
                    queue.enqueueDelivery(delivery(rawBody), updates);
                } else {
                    queue.enqueue(updates);
                }
            } catch (InboundQueue.EnqueueFailed e) {
                metrics.record(Metric.WEBHOOK_POSTS, "enqueue_failed", 1);
                throw e;
            }
            metrics.record(Metric.ENQUEUE_LATENCY, (System.nanoTime() - started) / 1_000_000.0);
        }
        return new Result(Outcome.ACCEPTED, updates.size());
    }
}
