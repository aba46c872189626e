package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.aws.TableItems;
import io.wabridge.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/** A restart over the same data folder keeps table items, queued messages, secrets and the JWT key. */
class RestartTest {

    @TempDir
    Path data;

    private LocalRuntime start() throws Exception {
        return LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
    }

    @Test
    void aRestartLosesNothing() throws Exception {
        String wamid = "wamid." + UUID.randomUUID();
        String queued = "queued-" + UUID.randomUUID();
        String secret;
        String verifyToken;
        String kid;
        try (LocalRuntime first = start()) {
            Routes.claim(first, "acme", "102290129340398", "106540352242922");
            secret = first.metaAppSecret();
            verifyToken = first.webhookVerifyTokenValue();
            String body = WebhookEndToEndTest.textWebhook(wamid, "before restart");
            Http.post(java.net.URI.create(first.baseUrl() + "/webhook"), body.getBytes(StandardCharsets.UTF_8),
                    "content-type", "application/json",
                    "x-hub-signature-256", WebhookSignature.withSecret(secret).sign(body.getBytes(StandardCharsets.UTF_8)));
            String table = first.resources().tableNames().get("Table");
            assertThat(Http.eventually(Duration.ofSeconds(20), () -> !pointer(first, table, wamid).isEmpty())).isTrue();
            // A dead-letter queue has no consumer, so this message just waits there.
            first.sqs().sendMessage(r -> r.queueUrl(first.resources().queueUrls().get("OutboundDeadLetterQueue")).messageBody(queued)
                    .messageGroupId("g").messageDeduplicationId(queued));
            kid = first.identity().kid();
        }
        try (LocalRuntime second = start()) {
            String table = second.resources().tableNames().get("Table");
            assertThat(pointer(second, table, wamid)).isNotEmpty();
            assertThat(second.metaAppSecret()).isEqualTo(secret);
            assertThat(second.webhookVerifyTokenValue()).isEqualTo(verifyToken);
            List<Message> messages = second.sqs().receiveMessage(r -> r.queueUrl(second.resources().queueUrls().get("OutboundDeadLetterQueue"))
                    .maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
            assertThat(messages).extracting(Message::body).contains(queued);
            // The JWT signing key is kept, so `./wabridge token` keeps working across restarts.
            assertThat(second.identity().kid()).isEqualTo(kid);
        }
    }

    private static Map<String, AttributeValue> pointer(LocalRuntime runtime, String table, String wamid) {
        return runtime.dynamo().getItem(r -> r.tableName(table).consistentRead(true).key(
                TableItems.key(TableItems.wamid(wamid), TableItems.POINTER))).item();
    }
}
