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
        SqsInboundQueue queue = new SqsInboundQueue(sqs, url);
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
        new SqsInboundQueue(sqs, url).enqueue(updates);
        assertThat(drain(sqs, url)).hasSize(25);
    }

    private static WebhookUpdate update(String group, String dedup, String body) {
        return new WebhookUpdate(group, dedup, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void raisesEnqueueFailedWhenTheQueueIsGone(Wiring wiring) {
        String missing = wiring.sqs().createQueue(r -> r.queueName("gone-" + UUID.randomUUID() + ".fifo")
                .attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
        wiring.sqs().deleteQueue(r -> r.queueUrl(missing));
        SqsInboundQueue queue = new SqsInboundQueue(wiring.sqs(), missing);
        assertThatThrownBy(() -> queue.enqueue(List.of(update("g", "d", "{}"))))
                .isInstanceOf(InboundQueue.EnqueueFailed.class).hasMessageNotContaining("{}");
    }
}
