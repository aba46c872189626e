package io.wabridge.adapters.aws;

import io.wabridge.core.webhook.InboundQueue;
import io.wabridge.core.webhook.WebhookUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The inbound FIFO queue, fed in batches of up to ten updates. Each update's deduplication id is the
 * SHA-256 of its bytes, so an update Meta redelivers within SQS's five-minute window is queued once;
 * later redeliveries are caught by the consumer's idempotent writes.
 *
 * <p>An update larger than SQS's 256 KiB limit (Meta's POSTs reach 3 MB) is written to the payload
 * bucket under {@code inbound/{deduplication id}} and a pointer goes on the queue instead (claim check,
 * message attribute {@value #CLAIM_CHECK}); {@link #body} gives the consumer the update either way.
 */
public final class SqsInboundQueue implements InboundQueue {

    /** SQS's message size limit (256 KiB), less room for the attributes; larger updates are claim-checked. */
    static final int MAX_MESSAGE_BYTES = 250 * 1024;
    private static final int MAX_BATCH_BYTES = 250 * 1024;
    /** The message attribute that marks a whole delivery, to be split by the consumer ({@link #isDelivery}). */
    public static final String DELIVERY = "wabridge-delivery";
    /** The message attribute that names a claim-checked update's key in the payload bucket. */
    public static final String CLAIM_CHECK = "wabridge-claim-check";

    private final SqsClient sqs;
    private final String queueUrl;
    private final Supplier<S3Objects> payloads;

    /** {@code payloads} is asked for only when an update needs a claim check, so the common path never builds an S3 client. */
    public SqsInboundQueue(SqsClient sqs, String queueUrl, Supplier<S3Objects> payloads) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.payloads = payloads;
    }

    /** Whether a queued record is a whole delivery ({@link #enqueueDelivery}) rather than one update. */
    public static boolean isDelivery(SQSEvent.SQSMessage record) {
        return record.getMessageAttributes() != null && record.getMessageAttributes().containsKey(DELIVERY);
    }

    /** One record for the whole delivery (in the payload bucket when over SQS's size limit), marked {@value #DELIVERY}. */
    @Override
    public void enqueueDelivery(WebhookUpdate delivery, List<WebhookUpdate> updates) {
        Map<String, MessageAttributeValue> attributes = new java.util.HashMap<>();
        attributes.put(DELIVERY, MessageAttributeValue.builder().dataType("String").stringValue("split").build());
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id("0")
                .messageGroupId(delivery.groupId()).messageDeduplicationId(delivery.deduplicationId());
        if (delivery.body().length > MAX_MESSAGE_BYTES) {
            String key = claimCheck(delivery);
            attributes.put(CLAIM_CHECK, MessageAttributeValue.builder().dataType("String").stringValue(key).build());
            entry.messageBody("claim-check " + key);
        } else {
            entry.messageBody(new String(delivery.body(), StandardCharsets.UTF_8));
        }
        send(List.of(entry.messageAttributes(attributes).build()));
    }

    /** The update a queued record carries: its body, or the claim-checked payload it points to. */
    public static String body(SQSEvent.SQSMessage record, Supplier<S3Objects> payloads) {
        Map<String, SQSEvent.MessageAttribute> attributes = record.getMessageAttributes();
        SQSEvent.MessageAttribute claim = attributes == null ? null : attributes.get(CLAIM_CHECK);
        if (claim == null) {
            return record.getBody();
        }
        byte[] payload = payloads.get().get(claim.getStringValue()).orElseThrow(() ->
                new IllegalStateException("claim-checked payload " + claim.getStringValue() + " is missing from the bucket"));
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * Queues every update, and returns only once all are stored (or throws). A large delivery (Meta sends up to
     * 1,000 updates, 3 MB) is sent as parallel lanes of batches: each message group goes to one lane, whose batches
     * are sent one after another, so a conversation keeps its order while the lanes overlap their round trips.
     */
    @Override
    public void enqueue(List<WebhookUpdate> updates) {
        List<List<WebhookUpdate>> lanes = new ArrayList<>();
        int laneCount = Math.min(LANES, Math.max(1, (updates.size() + 9) / 10));
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new ArrayList<>());
        }
        for (WebhookUpdate u : updates) {
            lanes.get(Math.floorMod(u.groupId().hashCode(), laneCount)).add(u);
        }
        if (laneCount == 1) {
            sendLane(updates);
            return;
        }
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (List<WebhookUpdate> lane : lanes) {
            if (!lane.isEmpty()) {
                running.add(LANE_THREADS.submit(() -> sendLane(lane)));
            }
        }
        EnqueueFailed failed = null;
        for (java.util.concurrent.Future<?> f : running) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof EnqueueFailed ef ? ef : new EnqueueFailed("could not enqueue webhook updates", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EnqueueFailed("interrupted while enqueueing webhook updates", e);
            }
        }
        if (failed != null) {
            throw failed;   // some updates may be queued: Meta redelivers the whole POST and the consumer's writes are idempotent
        }
    }

    /** At most this many batches in flight per delivery (a 1,000-update delivery: 100 batches, 10 per lane). */
    static final int LANES = 10;
    private static final java.util.concurrent.ExecutorService LANE_THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private void sendLane(List<WebhookUpdate> updates) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (WebhookUpdate u : updates) {
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .messageGroupId(u.groupId()).messageDeduplicationId(u.deduplicationId());
            int bytes;
            if (u.body().length > MAX_MESSAGE_BYTES) {
                String key = claimCheck(u);
                entry.messageBody("claim-check " + key).messageAttributes(Map.of(CLAIM_CHECK,
                        MessageAttributeValue.builder().dataType("String").stringValue(key).build()));
                bytes = 512;
            } else {
                entry.messageBody(new String(u.body(), StandardCharsets.UTF_8));
                bytes = u.body().length;
            }
            if (batch.size() == 10 || batchBytes + bytes > MAX_BATCH_BYTES) {
                send(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(entry.id(Integer.toString(batch.size())).build());
            batchBytes += bytes;
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private String claimCheck(WebhookUpdate u) {
        String key = "inbound/" + u.deduplicationId();
        try {
            payloads.get().put(key, u.body(), "application/json");
            return key;
        } catch (SdkException e) {
            throw new EnqueueFailed("could not store a " + u.body().length + "-byte update in the payload bucket", e);
        }
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        try {
            var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new EnqueueFailed(response.failed().size() + " of " + entries.size() + " updates were refused: "
                        + response.failed().get(0).code(), null);
            }
        } catch (SdkException e) {
            throw new EnqueueFailed("could not enqueue webhook updates to the inbound queue", e);
        }
    }

    /**
     * Whether the inbound queue holds nothing, visible, in flight or delayed (SQS's approximate counts): the
     * sender's check that no status webhook can still be on its way. An error answers "not idle" (wait longer).
     */
    public static io.wabridge.core.send.DeliverSend.InboundBacklog backlog(SqsClient sqs, String queueUrl) {
        return () -> {
            try {
                Map<software.amazon.awssdk.services.sqs.model.QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                        .attributes();
                return a.values().stream().allMatch("0"::equals) && a.size() == 3;
            } catch (SdkException e) {
                return false;
            }
        };
    }
}
