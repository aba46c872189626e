package io.wabridge.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveWebhookTest {

    private final WebhookSignature signature = WebhookSignature.withSecret("s3cret");
    private final List<byte[]> queued = new ArrayList<>();
    private final byte[] body = "{\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void enqueuesASignedBody() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, queued::add);
        assertThat(receive.receive(signature.sign(body), body)).isEqualTo(ReceiveWebhook.Outcome.ACCEPTED);
        assertThat(queued).containsExactly(body);
    }

    @Test
    void enqueuesNothingForABadSignature() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, queued::add);
        assertThat(receive.receive("sha256=00", body)).isEqualTo(ReceiveWebhook.Outcome.BAD_SIGNATURE);
        assertThat(receive.receive(null, body)).isEqualTo(ReceiveWebhook.Outcome.BAD_SIGNATURE);
        assertThat(queued).isEmpty();
    }

    @Test
    void letsAQueueFailureThroughSoMetaRetries() {
        ReceiveWebhook receive = new ReceiveWebhook(signature, b -> {
            throw new InboundQueue.EnqueueFailed("down", null);
        });
        assertThatThrownBy(() -> receive.receive(signature.sign(body), body))
                .isInstanceOf(InboundQueue.EnqueueFailed.class);
    }
}
