package io.wabridge.local.security;

import static io.wabridge.local.Http.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * No send is stuck {@code queued}. The outbound queue really fails (it is deleted from the local
 * SQS, so the send's queue write gets {@code QueueDoesNotExist}): the send is not accepted and nothing says
 * {@code queued}; once the queue is back, a retry with the same Idempotency-Key queues it and it is sent once.
 */
@EndToEnd
class StuckSendTest {

    static final String TENANT = "stuck";
    static final String USER = "6281277770002";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        meta = runtime.sandbox();
        shop = connect("Toko Macet", "6281100007002");
        String wamid = meta.userSendsText(USER, shop.phoneNumberId(), "halo");
        assertThat(eventually(Duration.ofSeconds(20), () -> call("GET", "/v1/messages/" + wamid, null, null).statusCode() == 200)).isTrue();
    }


    @Test
    void aSendWhoseQueueWriteFailsIsNotAcceptedAndItsRetryWithTheSameKeyIsSentOnce() throws Exception {
        String queueUrl = runtime.resources().queueUrls().get("OutboundQueue");
        Map<String, String> attributes = new HashMap<>();
        runtime.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL)).attributesAsStrings()
                .forEach((k, v) -> {
                    if (Set.of("FifoQueue", "ContentBasedDeduplication", "VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy",
                            "DelaySeconds", "ReceiveMessageWaitTimeSeconds").contains(k)) {
                        attributes.put(k, v);
                    }
                });
        String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        String key = "retry-" + UUID.randomUUID();
        String text = "stuck? " + UUID.randomUUID();

        runtime.sqs().deleteQueue(r -> r.queueUrl(queueUrl));
        HttpResponse<String> failed;
        try {
            failed = call("POST", "/v1/messages", key, text(text));
        } finally {
            String again = runtime.sqs().createQueue(r -> r.queueName(queueName).attributesWithStrings(attributes)).queueUrl();
            assertThat(again).isEqualTo(queueUrl);
        }
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);

        HttpResponse<String> retried = call("POST", "/v1/messages", key, text(text));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        String id = json(retried).path("id").asText();
        assertThat(eventually(Duration.ofSeconds(30), () -> sentToMeta(text) == 1))
                .as("the retried send reaches Meta (state now: " + call("GET", "/v1/messages/" + id, null, null).body() + ")").isTrue();
        assertThat(eventually(Duration.ofSeconds(10), () -> {
            try {
                return json(call("GET", "/v1/messages/" + id, null, null)).path("state").asText().equals("sent");
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(sentToMeta(text)).isEqualTo(1);
        // What the failed attempt said: not accepted, and why, with the retry to make.
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(json(failed).path("error").path("code").asText()).isEqualTo("queue_unavailable");
    }

    // ----- helpers ---------------------------------------------------------------------------------------------------

    static Map<String, Object> text(String body) {
        return Map.of("channel", shop.phoneNumberId(), "to", USER, "type", "text", "text", Map.of("body", body));
    }

    static long sentToMeta(String text) {
        return Rig.sentToMeta(runtime, text);
    }

    static SandboxState.Customer connect(String name, String number) throws Exception {
        return Rig.connect(runtime, TENANT, name, number);
    }

    static HttpResponse<String> call(String method, String path, String idempotencyKey, Object body) {
        try {
            return Rig.call(runtime, method, path, runtime.token(TENANT, Duration.ofMinutes(10)), idempotencyKey, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Rig.json(r);
    }
}
