package io.wabridge.local.events;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.local.lambda.LocalFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping as Lambda runs it: pollers receive up to {@code batchSize} messages, invoke
 * the function with an {@link SQSEvent}, and delete what succeeded. A thrown error or a timeout fails the
 * whole batch; with {@code ReportBatchItemFailures}, only the reported items stay (and a malformed report
 * fails the whole batch, as Lambda treats it). Messages left behind reappear after the queue's visibility
 * timeout, and the queue's redrive policy moves them to the dead-letter queue after {@code maxReceiveCount}.
 * FIFO order per message group comes from the queue itself, which hands out no message of a group while
 * another of that group is in flight.
 * <p>{@link #crash()} stops the pollers as a crashed Lambda stops: in-flight invocations are interrupted and
 * their messages are neither deleted nor released, so they come back after the visibility timeout;
 * {@link #start()} starts them again.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsEventSource.class);

    /** What the template's {@code SQS} event says. */
    public record Mapping(String name, String queueArn, String queueUrl, int batchSize, boolean reportBatchItemFailures,
                          int concurrency) {}

    private final Mapping mapping;
    private final LocalFunction function;
    private final SqsClient sqs;
    private final String region;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> pollers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean crashed = new AtomicBoolean();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();

    public SqsEventSource(Mapping mapping, LocalFunction function, SqsClient sqs, String region) {
        this.mapping = mapping;
        this.function = function;
        this.sqs = sqs;
        this.region = region;
    }

    public Mapping mapping() {
        return mapping;
    }

    public long invocations() {
        return invocations.get();
    }

    /** Starts the pollers (again, after {@link #crash()}). */
    public synchronized void start() {
        crashed.set(false);
        running.set(true);
        for (int i = 0; i < mapping.concurrency(); i++) {
            pollers.add(Thread.ofVirtual().name(mapping.name() + "-poller-" + i).start(this::poll));
        }
    }

    private void poll() {
        while (running.get()) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(mapping.queueUrl())
                        .maxNumberOfMessages(Math.min(10, mapping.batchSize())).waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All")).messages();
                if (!messages.isEmpty() && running.get()) {
                    deliver(messages);
                } else if (!messages.isEmpty() && crashed.get()) {
                    abandoned.addAndGet(messages.size()); // received as the crash came: never invoked, never deleted
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    log.warn("{}: polling failed ({}), retrying", mapping.name(), e.toString());
                    sleep(500);
                }
            }
        }
    }

    private void deliver(List<Message> messages) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            record.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
            Map<String, String> attributes = new HashMap<>();
            m.attributesAsStrings().forEach(attributes::put);
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> {
                SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                a.setDataType(v.dataType());
                a.setStringValue(v.stringValue());
                messageAttributes.put(k, a);
            });
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(mapping.queueArn());
            record.setAwsRegion(region);
            records.add(record);
        }
        event.setRecords(records);
        invocations.incrementAndGet();
        Set<String> keep;
        try {
            Object result = function.invoke(event);
            keep = failedItems(result, messages);
        } catch (LocalFunction.InvocationFailed e) {
            keep = allIds(messages);
        }
        if (crashed.get()) {
            // Crashed mid-batch: nothing is deleted; the messages reappear after the visibility timeout.
            abandoned.addAndGet(messages.size());
            return;
        }
        if (!keep.isEmpty()) {
            failedBatches.incrementAndGet();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!keep.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            var response = sqs.deleteMessageBatch(r -> r.queueUrl(mapping.queueUrl()).entries(done));
            if (!response.failed().isEmpty()) {
                log.warn("{}: {} processed messages could not be deleted and will be delivered again",
                        mapping.name(), response.failed().size());
            }
        }
    }

    private Set<String> failedItems(Object result, List<Message> messages) {
        if (!mapping.reportBatchItemFailures() || result == null) {
            return Set.of();
        }
        if (!(result instanceof SQSBatchResponse response)) {
            return Set.of();
        }
        Set<String> ids = allIds(messages);
        Set<String> failed = new HashSet<>();
        if (response.getBatchItemFailures() != null) {
            for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                String id = f.getItemIdentifier();
                if (id == null || id.isBlank() || !ids.contains(id)) {
                    // Lambda treats an empty or unknown identifier as a failure of the whole batch.
                    return ids;
                }
                failed.add(id);
            }
        }
        return failed;
    }

    private static Set<String> allIds(List<Message> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.messageId()));
        return ids;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every poller at once, as a crash or a forced shutdown of the function's instances would: a poller
     * waiting for messages stops waiting, an invocation in progress is interrupted, and no message it held is
     * deleted. Returns when the pollers have stopped.
     */
    public synchronized void crash() throws InterruptedException {
        crashed.set(true);
        running.set(false);
        crashes.incrementAndGet();
        pollers.forEach(Thread::interrupt);
        for (Thread t : pollers) {
            t.join(10_000);
        }
        pollers.clear();
    }

    /** Times {@link #crash()} ran. */
    public long crashes() {
        return crashes.get();
    }

    /** Received messages that a crash left neither deleted nor released. */
    public long abandoned() {
        return abandoned.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : pollers) {
            t.join(5_000);
        }
    }

}
