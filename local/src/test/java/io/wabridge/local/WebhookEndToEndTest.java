package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.gateway.LocalIdentity;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The foundation slice through the real template.yaml: Meta's handshake, a signed webhook into DynamoDB (the refusals: security.WebhookSecurityTest, security.JwtSecurityTest). */
@EndToEnd
class WebhookEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static LocalRuntime runtime;
    static String table;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        table = runtime.resources().tableNames().get("Table");
        Routes.claim(runtime, "acme", "102290129340398", "106540352242922");
    }


    static String textWebhook(String wamid, String text) {
        return """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                "contacts":[{"profile":{"name":"Sheena"},"wa_id":"16505551234"}],
                "messages":[{"from":"16505551234","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}]},
                "field":"messages"}]}]}""".formatted(wamid, Instant.now().getEpochSecond(), text);
    }

    private URI uri(String path) {
        return URI.create(runtime.baseUrl() + path);
    }

    private HttpResponse<String> postSigned(String body, String signature) throws Exception {
        return Http.post(uri("/webhook"), body.getBytes(StandardCharsets.UTF_8),
                "content-type", "application/json", "x-hub-signature-256", signature);
    }

    private Map<String, AttributeValue> storedMessage(String wamid) {
        return runtime.dynamo().getItem(r -> r.tableName(table).consistentRead(true).key(
                TableItems.key(TableItems.wamid(wamid), TableItems.POINTER))).item();
    }

    @Test
    void answersMetasVerificationHandshake() throws Exception {
        String token = runtime.webhookVerifyTokenValue();
        HttpResponse<String> ok = Http.get(uri("/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");

        HttpResponse<String> wrong = Http.get(uri("/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(wrong.body()).path("error").path("code").asText()).isEqualTo("verification_failed");
    }

    @Test
    void aSignedWebhookLandsInDynamoDb() throws Exception {
        String wamid = "wamid." + UUID.randomUUID();
        String body = textWebhook(wamid, "Does it come in another color?");
        HttpResponse<String> response = postSigned(body, WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(response.statusCode()).isEqualTo(200);

        assertThat(Http.eventually(Duration.ofSeconds(20), () -> !storedMessage(wamid).isEmpty())).isTrue();
        Map<String, AttributeValue> pointer = storedMessage(wamid);
        Map<String, AttributeValue> message = runtime.dynamo().getItem(r -> r.tableName(table).key(Map.of(
                "PK", pointer.get("messagePK"), "SK", pointer.get("messageSK")))).item();
        assertThat(message.get("tenantId").s()).isEqualTo("acme");
        assertThat(message.get("type").s()).isEqualTo("text");
        assertThat(message.get("content").s()).contains("Does it come in another color?");
        assertThat(message.get("waId").s()).isEqualTo("16505551234");
        assertThat(message.get("phoneNumberId").s()).isEqualTo("106540352242922");
    }

    /**
     * A delivery of many updates (Meta sends up to 1,000 per POST) is stored whole in one write and split by the inbound
     * consumer: answered 200, and every message in it ends up stored once.
     */
    @Test
    void aLargeDeliveryIsAcknowledgedWholeAndEveryUpdateInItIsStored() throws Exception {
        String prefix = "wamid.large." + UUID.randomUUID() + ".";
        long now = Instant.now().getEpochSecond();
        StringBuilder messages = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            messages.append(i == 0 ? "" : ",").append("""
                    {"from":"1650555%04d","id":"%s%d","timestamp":"%d","type":"text","text":{"body":"n%d"}}""".formatted(i % 5, prefix, i, now, i));
        }
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                "messages":[%s]},"field":"messages"}]}]}""".formatted(messages);
        HttpResponse<String> r = postSigned(body, WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(60), () -> java.util.stream.IntStream.range(0, 60)
                .allMatch(i -> !storedMessage(prefix + i).isEmpty()))).as("all 60 stored").isTrue();
    }

    @Test
    void aWebhookPostedThreeTimesIsStoredOnce() throws Exception {
        String wamid = "wamid." + UUID.randomUUID();
        String body = textWebhook(wamid, "again");
        String signature = WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            assertThat(postSigned(body, signature).statusCode()).isEqualTo(200);
        }
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> !storedMessage(wamid).isEmpty())).isTrue();
        String pk = storedMessage(wamid).get("messagePK").s();
        runtime.awaitIdle();
        int count = runtime.dynamo().query(r -> r.tableName(table).keyConditionExpression("PK = :pk")
                .filterExpression("wamid = :w")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":w", AttributeValue.fromS(wamid)))).count();
        assertThat(count).isEqualTo(1);
    }

    @Test
    void unknownRoutesAndOversizedBodiesGetApiGatewaysAnswers() throws Exception {
        HttpResponse<String> unknown = Http.get(uri("/nowhere"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("message").asText()).isEqualTo("Not Found");

        HttpResponse<String> wrongMethod = Http.send(java.net.http.HttpRequest.newBuilder(uri("/webhook")).DELETE());
        assertThat(wrongMethod.statusCode()).isEqualTo(404);

        byte[] big = new byte[6 * 1024 * 1024 + 1];
        HttpResponse<String> oversized = Http.post(uri("/webhook"), big, "content-type", "application/json",
                "x-hub-signature-256", "sha256=00");
        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(oversized.body()).path("message").asText()).isEqualTo("Request Entity Too Large");
    }

    @Test
    void numbersAreGivenToOneTenantByHandUntilSignupDoes() throws Exception {
        URI routes = URI.create(runtime.adminUrl() + "/.local/routes");
        String body = "{\"tenant\":\"acme\",\"wabaId\":\"555\",\"phoneNumberId\":\"5550001\"}";
        assertThat(Http.post(routes, body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        assertThat(Http.post(routes, body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        var taken = Http.post(routes, body.replace("acme", "globex").getBytes(StandardCharsets.UTF_8));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("route_taken");
        assertThat(Http.post(routes, "{\"tenant\":\"acme\",\"phoneNumberId\":\"abc\"}".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void writesItsEffectiveConfigurationAndServesTheOpenApiFile() throws Exception {
        JsonNode local = JSON.readTree(runtime.dataDir().resolve("local.json").toFile());
        assertThat(local.path("meta").path("appSecret").asText()).isEqualTo(runtime.metaAppSecret());
        assertThat(local.path("meta").path("webhookVerifyToken").asText()).isEqualTo(runtime.webhookVerifyTokenValue()).hasSize(48);
        assertThat(local.path("jwt").path("issuer").asText()).isEqualTo(LocalIdentity.issuer(runtime.baseUrl().getPort()));
        assertThat(local.path("queues").has("InboundQueue")).isTrue();

        HttpResponse<String> openApi = Http.get(uri("/openapi.yaml"));
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/v1/whoami");
    }
}
