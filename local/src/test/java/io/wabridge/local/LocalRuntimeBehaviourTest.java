package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.testfunctions.TickHandler;
import io.wabridge.local.testfunctions.WorkHandler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The runtime's gateway, SQS event source and scheduler, driven through a test template with short timeouts. */
@EndToEnd(template = "src/test/resources/test-template.yaml")
class LocalRuntimeBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static LocalRuntime runtime;

    @BeforeAll
    static void start(LocalRuntime own) {
        runtime = own;
    }

    private URI uri(String path) {
        return URI.create(runtime.baseUrl() + path);
    }

    private String queue(String logicalId) {
        return runtime.resources().queueUrls().get(logicalId);
    }

    @Test
    void buildsThePayloadFormat2EventAsApiGatewayDoes() throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(uri("/echo/a/b%20c?x=1&x=2&y=hello%20world"))
                .header("X-Custom-Header", "Value").header("Cookie", "a=1; b=2").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"v\"}")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-echo")).contains("yes");
        assertThat(response.headers().allValues("set-cookie")).contains("session=abc; Path=/");
        JsonNode body = JSON.readTree(response.body());
        JsonNode event = body.path("event");
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("ANY /echo/{proxy+}");
        assertThat(event.path("rawPath").asText()).isEqualTo("/echo/a/b%20c");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1&x=2&y=hello%20world");
        assertThat(event.path("queryStringParameters").path("x").asText()).isEqualTo("1,2");
        assertThat(event.path("queryStringParameters").path("y").asText()).isEqualTo("hello world");
        assertThat(event.path("pathParameters").path("proxy").asText()).isEqualTo("a/b c");
        assertThat(event.path("headers").path("x-custom-header").asText()).isEqualTo("Value");
        assertThat(event.path("headers").has("cookie")).isFalse();
        assertThat(event.path("cookies")).extracting(JsonNode::asText).containsExactly("a=1", "b=2");
        assertThat(event.path("body").asText()).isEqualTo("{\"k\":\"v\"}");
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("POST");
        assertThat(event.path("requestContext").path("stage").asText()).isEqualTo("$default");
        assertThat(body.path("functionName").asText()).isEqualTo("wabridge-local-EchoFunction");
        assertThat(body.path("remainingMillis").asInt()).isBetween(1, 5000);
    }

    @Test
    void base64EncodesBinaryBodiesAndDecodesBinaryResponses() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1};
        HttpResponse<String> response = Http.post(uri("/echo/upload"), png, "content-type", "image/png");
        JsonNode event = JSON.readTree(response.body()).path("event");
        assertThat(event.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(event.path("body").asText())).isEqualTo(png);

        HttpResponse<byte[]> binary = Http.CLIENT.send(HttpRequest.newBuilder(uri("/slow/binary")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(binary.body()).containsExactly(0, 1, 2, (byte) 255);
    }

    @Test
    void matchesPathParametersAndResolvesTheFunctionsEnvironment() throws Exception {
        JsonNode event = JSON.readTree(Http.get(uri("/items/42")).body()).path("event");
        assertThat(event.path("routeKey").asText()).isEqualTo("GET /items/{id}");
        assertThat(event.path("pathParameters").path("id").asText()).isEqualTo("42");
        Map<String, String> env = runtime.function("EchoFunction").definition().environment();
        assertThat(env.get("GREETING")).isEqualTo("hello from wabridge-local in us-east-1");
        assertThat(env.get("WORK_QUEUE_URL")).isEqualTo(queue("WorkQueue"));
    }

    @Test
    void theDefaultAuthorizerGuardsRoutesWithoutAnOverride() throws Exception {
        assertThat(Http.get(uri("/secured")).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = Http.get(uri("/secured"), "authorization", "Bearer " + runtime.token("acme", Duration.ofMinutes(1)));
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode claims = JSON.readTree(ok.body()).path("event").path("requestContext").path("authorizer").path("jwt").path("claims");
        assertThat(claims.path("tenant_id").asText()).isEqualTo("acme");
        assertThat(claims.path("exp").isTextual()).isTrue();
    }

    @Test
    void functionErrorsAndTimeoutsBecomeGatewayErrors() throws Exception {
        HttpResponse<String> thrown = Http.get(uri("/slow/throw"));
        assertThat(thrown.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(thrown.body()).path("message").asText()).isEqualTo("Internal Server Error");
        long started = System.nanoTime();
        HttpResponse<String> slow = Http.get(uri("/slow/sleep"));
        assertThat(slow.statusCode()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2900));
    }

    @Test
    void deletesProcessedMessagesAndDeadLettersReportedFailuresAfterMaxReceiveCount() throws Exception {
        String ok = "ok-" + UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        send(ok, "group-a");
        send(poison, "group-b");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> WorkHandler.PROCESSED.contains(ok))).isTrue();
        List<Message> dead = awaitDeadLetters(poison);
        assertThat(dead).hasSize(1);
        assertThat(WorkHandler.SEEN.stream().filter(m -> m.getBody().equals(poison)).count()).isEqualTo(2);
        assertThat(WorkHandler.SEEN.stream().filter(m -> m.getBody().equals(poison))
                .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList()).containsExactly("1", "2");
        assertThat(WorkHandler.PROCESSED.stream().filter(ok::equals).count()).isEqualTo(1);
        runtime.awaitIdle();
        assertThat(WorkHandler.PROCESSED.stream().filter(ok::equals).count()).isEqualTo(1);
    }

    @Test
    void awaitIdleWaitsForAnInvocationInFlightAndNamesWhatIsBusyWhenItGivesUp() throws Exception {
        String held = "hold-idle-" + UUID.randomUUID();
        send(held, "group-idle-" + UUID.randomUUID());
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> WorkHandler.SEEN.stream().anyMatch(m -> m.getBody().equals(held)))).isTrue();

        assertThatThrownBy(() -> runtime.awaitIdle(Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not idle after 300 ms")
                .hasMessageContaining("WorkFunction: ").hasMessageContaining("invocation(s) running");

        runtime.awaitIdle(Duration.ofSeconds(20));
        // The first delivery holds its invocation for 4 s (the queue's 1 s visibility lets a second one in meanwhile):
        // idle means every delivery seen has finished, and the message is gone from the queue.
        long seen = WorkHandler.SEEN.stream().filter(m -> m.getBody().equals(held)).count();
        assertThat(WorkHandler.PROCESSED.stream().filter(held::equals).count()).isEqualTo(seen);
        assertThat(runtime.function("WorkFunction").running()).isZero();
        assertThat(runtime.sqs().getQueueAttributes(r -> r.queueUrl(queue("WorkQueue")).attributeNamesWithStrings("All")).attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessages", "0").containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
    }

    @Test
    void aThrowingHandlerFailsTheWholeBatchAndLosesNothing() throws Exception {
        send("throw", "group-t-" + UUID.randomUUID());
        assertThat(awaitDeadLetters("throw")).hasSize(1);
    }

    @Test
    void deliversOneGroupInOrder() throws Exception {
        String group = "ordered-" + UUID.randomUUID();
        List<String> bodies = java.util.stream.IntStream.range(0, 8).mapToObj(i -> group + "-" + i).toList();
        for (String b : bodies) {
            send(b, group);
        }
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> WorkHandler.PROCESSED.containsAll(bodies))).isTrue();
        assertThat(WorkHandler.PROCESSED.stream().filter(b -> b.startsWith(group)).toList()).containsExactlyElementsOf(bodies);
    }

    @Test
    void aCrashAbandonsTheBatchInFlightWhichComesBackAfterTheVisibilityTimeout() throws Exception {
        // Above the function's 5 s timeout (as the template's queues are), so only the crash brings the message back.
        setVisibility(6);
        try {
            String hold = "hold-" + UUID.randomUUID();
            send(hold, "group-h-" + UUID.randomUUID());
            assertThat(Http.eventually(Duration.ofSeconds(20), () -> WorkHandler.SEEN.stream().anyMatch(m -> m.getBody().equals(hold)))).isTrue();
            var sources = runtime.eventSources("WorkFunction");
            assertThat(sources).hasSize(1);
            sources.get(0).crash();
            assertThat(sources.get(0).crashes()).isEqualTo(1);
            assertThat(sources.get(0).abandoned()).isEqualTo(1);
            assertThat(WorkHandler.PROCESSED).doesNotContain(hold);
            sources.get(0).start();
            // Not deleted: after the queue's visibility timeout it is delivered again, and processed once.
            assertThat(Http.eventually(Duration.ofSeconds(30), () -> WorkHandler.PROCESSED.contains(hold))).isTrue();
            assertThat(WorkHandler.SEEN.stream().filter(m -> m.getBody().equals(hold))
                    .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList()).containsExactly("1", "2");
            assertThat(WorkHandler.PROCESSED.stream().filter(hold::equals).count()).isEqualTo(1);
        } finally {
            setVisibility(1);
        }
    }

    private void setVisibility(int seconds) {
        runtime.sqs().setQueueAttributes(r -> r.queueUrl(queue("WorkQueue")).attributes(
                Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(seconds))));
    }

    @Test
    void firesSchedulesByHandWithTheScheduledEventOrTheirInput() throws Exception {
        int before = TickHandler.TICKS.size();
        HttpResponse<String> fired = Http.post(URI.create(runtime.adminUrl() + "/.local/schedules/TickFunction.Tick"), new byte[0]);
        assertThat(fired.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(fired.body()).path("result").asText()).startsWith("tick ");
        Map<String, Object> tick = TickHandler.TICKS.get(before);
        assertThat(tick.get("detail-type")).isEqualTo("Scheduled Event");
        assertThat(tick.get("source")).isEqualTo("aws.events");

        runtime.scheduler().fire("TickFunction.Nightly");
        assertThat(TickHandler.TICKS.get(before + 1)).containsEntry("job", "nightly");

        HttpResponse<String> unknown = Http.post(URI.create(runtime.adminUrl() + "/.local/schedules/Nope.Nope"), new byte[0]);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").path("code").asText()).isEqualTo("schedule_unknown");
    }

    private void send(String body, String group) {
        runtime.sqs().sendMessage(r -> r.queueUrl(queue("WorkQueue")).messageBody(body)
                .messageGroupId(group).messageDeduplicationId(UUID.nameUUIDFromBytes(body.getBytes(StandardCharsets.UTF_8)).toString()));
    }

    private List<Message> awaitDeadLetters(String body) throws InterruptedException {
        List<Message> found = new java.util.concurrent.CopyOnWriteArrayList<>();
        Http.eventually(Duration.ofSeconds(30), () -> {
            runtime.sqs().receiveMessage(r -> r.queueUrl(queue("WorkDeadLetterQueue")).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().forEach(m -> {
                        if (m.body().equals(body)) {
                            found.add(m);
                        }
                        runtime.sqs().deleteMessage(d -> d.queueUrl(queue("WorkDeadLetterQueue")).receiptHandle(m.receiptHandle()));
                    });
            return !found.isEmpty();
        });
        return found;
    }
}
