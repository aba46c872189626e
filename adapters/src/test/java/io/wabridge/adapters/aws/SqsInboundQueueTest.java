package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.webhook.InboundQueue;
import io.wabridge.core.webhook.WebhookUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

@ExtendWith(LocalAws.class)
class SqsInboundQueueTest {

    private static String fifoQueue(SqsClient sqs) {
        return sqs.createQueue(r -> r.queueName("inbound-" + UUID.randomUUID() + ".fifo")
                .attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
    }

    private static List<Message> drain(SqsClient sqs, String url) {
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
        return all;
    }

    @Test
    void queuesTheBodyOnceWithinTheDeduplicationWindow(Wiring wiring) {
        SqsClient sqs = wiring.sqs();
        String url = fifoQueue(sqs);
        SqsInboundQueue queue = new SqsInboundQueue(sqs, url, wiring::media);
        WebhookUpdate one = update("g1", "d1", "{\"entry\":[1]}");
        queue.enqueue(List.of(one, one));
        queue.enqueue(List.of(one, update("g2", "d2", "{\"entry\":[2]}")));
        List<Message> messages = drain(sqs, url);
        assertThat(messages).extracting(Message::body).containsExactlyInAnyOrder("{\"entry\":[1]}", "{\"entry\":[2]}");
        assertThat(messages).extracting(m -> m.attributesAsStrings().get("MessageGroupId")).containsExactlyInAnyOrder("g1", "g2");
    }

    @Test
    void sendsManyUpdatesInBatchesOfTen(Wiring wiring) {
        SqsClient sqs = wiring.sqs();
        String url = fifoQueue(sqs);
        List<WebhookUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            updates.add(update("g" + (i % 3), "d" + i, "{\"n\":" + i + "}"));
        }
        new SqsInboundQueue(sqs, url, wiring::media).enqueue(updates);
        assertThat(drain(sqs, url)).hasSize(25);
    }

    /**
     * Meta's largest delivery (1,000 updates): the batches go out in parallel lanes (several in flight at once), every
     * update is queued, and each conversation keeps its order.
     */
    @Test
    void aThousandUpdateDeliveryIsSentInParallelLanesKeepingEachConversationsOrder(Wiring wiring) {
        SqsClient real = wiring.sqs();
        String url = fifoQueue(real);
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
        SqsClient counting = (SqsClient) java.lang.reflect.Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                (proxy, method, args) -> {
                    boolean batch = method.getName().equals("sendMessageBatch");
                    if (batch) {
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (batch) {
                            inFlight.decrementAndGet();
                        }
                    }
                });
        List<WebhookUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            updates.add(update("conv" + (i % 50), "d" + i, "{\"n\":" + i + "}"));
        }
        new SqsInboundQueue(counting, url, wiring::media).enqueue(updates);
        assertThat(maxInFlight.get()).as("batches in flight at once").isGreaterThan(1);

        Map<String, List<Integer>> byGroup = new java.util.HashMap<>();
        int received = 0;
        for (int empty = 0; empty < 3 && received < 1000; ) {
            var batch = real.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            empty = batch.isEmpty() ? empty + 1 : 0;
            for (Message m : batch) {
                byGroup.computeIfAbsent(m.attributesAsStrings().get("MessageGroupId"), k -> new ArrayList<>())
                        .add(Integer.parseInt(m.body().replaceAll("[^0-9]", "")));
                real.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
                received++;
            }
        }
        assertThat(received).isEqualTo(1000);
        byGroup.forEach((group, ns) -> assertThat(ns).as(group).isSorted());
    }

    @Test
    void claimChecksAnUpdateLargerThanTheQueueTakesAndTheConsumerReadsItBack(Wiring wiring) {
        SqsClient sqs = wiring.sqs();
        String url = fifoQueue(sqs);
        String big = "{\"pad\":\"" + "x".repeat(900 * 1024) + "\"}";
        new SqsInboundQueue(sqs, url, wiring::media).enqueue(List.of(update("g", "big", big), update("g", "small", "{}")));
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 3 && messages.size() < 2; i++) {
            var batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages();
            messages.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).body()).hasSizeLessThan(1024);
        assertThat(messages.stream().map(m -> SqsInboundQueue.body(asRecord(m), wiring::media)))
                .containsExactly(big, "{}");
        assertThat(wiring.media().get("inbound/big")).isPresent();
    }

    private static com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage asRecord(Message m) {
        var record = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        record.setBody(m.body());
        Map<String, com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute> attributes = new java.util.HashMap<>();
        m.messageAttributes().forEach((k, v) -> {
            var a = new com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute();
            a.setStringValue(v.stringValue());
            a.setDataType(v.dataType());
            attributes.put(k, a);
        });
        record.setMessageAttributes(attributes);
        return record;
    }

    @Test
    void anOversizedUpdateThatCannotBeStoredFailsTheEnqueue(Wiring wiring, io.wabridge.localaws.LocalAwsParts parts) {
        Wiring noBucket = LocalAws.wiring(parts, Map.of("MEDIA_BUCKET", "missing-" + UUID.randomUUID()));
        SqsInboundQueue queue = new SqsInboundQueue(wiring.sqs(), fifoQueue(wiring.sqs()), noBucket::media);
        assertThatThrownBy(() -> queue.enqueue(List.of(update("g", "d", "{\"pad\":\"" + "y".repeat(300 * 1024) + "\"}"))))
                .isInstanceOf(InboundQueue.EnqueueFailed.class).hasMessageContaining("payload bucket");
    }

    private static WebhookUpdate update(String group, String dedup, String body) {
        return new WebhookUpdate(group, dedup, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void raisesEnqueueFailedWhenTheQueueIsGone(Wiring wiring) {
        String missing = wiring.sqs().createQueue(r -> r.queueName("gone-" + UUID.randomUUID() + ".fifo")
                .attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
        wiring.sqs().deleteQueue(r -> r.queueUrl(missing));
        SqsInboundQueue queue = new SqsInboundQueue(wiring.sqs(), missing, wiring::media);
        assertThatThrownBy(() -> queue.enqueue(List.of(update("g", "d", "{}"))))
                .isInstanceOf(InboundQueue.EnqueueFailed.class).hasMessageNotContaining("{}");
    }
}
