package io.wabridge.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.RecordingMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveWebhookTest {

    private final WebhookSignature signature = WebhookSignature.withSecret("s3cret");
    private final List<WebhookUpdate> queued = new ArrayList<>();
    private final byte[] body = "{\"entry\":[1,2]}".getBytes(StandardCharsets.UTF_8);

    /** Fake splitter: one update per byte of "12" in the body, malformed unless it starts with '{'. */
    private final WebhookSplitter splitter = raw -> {
        if (raw.length == 0 || raw[0] != '{') {
            throw new MalformedWebhook("not JSON");
        }
        return List.of(new WebhookUpdate("g1", "d1", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                new WebhookUpdate("g2", "d2", "{\"a\":2}".getBytes(StandardCharsets.UTF_8)));
    };

    @Test
    void queuesEveryUpdateOfASignedDelivery() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, splitter, queued::addAll);
        assertThat(receive.receive(signature.sign(body), body)).isEqualTo(new ReceiveWebhook.Result(ReceiveWebhook.Outcome.ACCEPTED, 2));
        assertThat(queued).extracting(WebhookUpdate::groupId).containsExactly("g1", "g2");
    }

    /** Meta's largest delivery (1,000 updates) is stored whole in one write, for the consumer to split; a small one is not. */
    @Test
    void aLargeDeliveryIsKeptWholeInOneWriteAndASmallOneIsQueuedUpdateByUpdate() {
        List<WebhookUpdate> wholes = new ArrayList<>();
        InboundQueue queue = new InboundQueue() {
            @Override
            public void enqueue(List<WebhookUpdate> updates) {
                queued.addAll(updates);
            }

            @Override
            public void enqueueDelivery(WebhookUpdate delivery, List<WebhookUpdate> updates) {
                wholes.add(delivery);
            }
        };
        WebhookSplitter thousand = raw -> java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> new WebhookUpdate("g" + i % 7, "d" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))).toList();
        ReceiveWebhook receive = new ReceiveWebhook(signature, thousand, queue);
        assertThat(receive.receive(signature.sign(body), body)).isEqualTo(new ReceiveWebhook.Result(ReceiveWebhook.Outcome.ACCEPTED, 1000));
        assertThat(queued).isEmpty();
        assertThat(wholes).hasSize(1);
        assertThat(wholes.get(0).body()).isEqualTo(body);
        assertThat(wholes.get(0).deduplicationId()).hasSizeLessThanOrEqualTo(128).isEqualTo(ReceiveWebhook.delivery(body).deduplicationId());

        new ReceiveWebhook(signature, splitter, queue).receive(signature.sign(body), body);
        assertThat(queued).hasSize(2);
        assertThat(wholes).hasSize(1);
    }

    @Test
    void queuesNothingForABadSignatureOrAMalformedBody() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, splitter, queued::addAll);
        assertThat(receive.receive("sha256=00", body).outcome()).isEqualTo(ReceiveWebhook.Outcome.BAD_SIGNATURE);
        assertThat(receive.receive(null, body).outcome()).isEqualTo(ReceiveWebhook.Outcome.BAD_SIGNATURE);
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(receive.receive(signature.sign(junk), junk).outcome()).isEqualTo(ReceiveWebhook.Outcome.MALFORMED);
        assertThat(queued).isEmpty();
    }

    @Test
    void letsAQueueFailureThroughSoMetaRetries() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, splitter, u -> {
            throw new InboundQueue.EnqueueFailed("down", null);
        });
        assertThatThrownBy(() -> receive.receive(signature.sign(body), body)).isInstanceOf(InboundQueue.EnqueueFailed.class);
    }

    @Test
    void recordsEachPostByOutcomeTheUpdatesQueuedAndTheEnqueueLatency() {
        RecordingMetrics metrics = new RecordingMetrics();
        ReceiveWebhook receive = new ReceiveWebhook(signature, splitter, queued::addAll, metrics);
        receive.receive(signature.sign(body), body);
        receive.receive(signature.sign(body), body);
        receive.receive("sha256=00", body);
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        receive.receive(signature.sign(junk), junk);
        assertThat(metrics.total(Metric.WEBHOOK_POSTS, "accepted")).isEqualTo(2);
        assertThat(metrics.total(Metric.WEBHOOK_POSTS, "bad_signature")).isEqualTo(1);
        assertThat(metrics.total(Metric.WEBHOOK_POSTS, "malformed")).isEqualTo(1);
        assertThat(metrics.total(Metric.WEBHOOK_UPDATES)).isEqualTo(4);
        assertThat(metrics.recorded(Metric.ENQUEUE_LATENCY)).isTrue();

        ReceiveWebhook failing = new ReceiveWebhook(signature, splitter, u -> {
            throw new InboundQueue.EnqueueFailed("down", null);
        }, metrics);
        assertThatThrownBy(() -> failing.receive(signature.sign(body), body)).isInstanceOf(InboundQueue.EnqueueFailed.class);
        assertThat(metrics.total(Metric.WEBHOOK_POSTS, "enqueue_failed")).isEqualTo(1);
        assertThat(metrics.total(Metric.WEBHOOK_UPDATES)).as("nothing was queued").isEqualTo(4);
    }
}
