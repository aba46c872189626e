package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An update that can never be read goes to the dead-letter queue with its reason at its first
 * failure, and the next message of the same conversation is not held behind it (the inbound queue's visibility
 * timeout is 180 s: one retry of the poison alone would take that long).
 */
@EndToEnd(ownRuntime = true) // claims the WABA of Meta's examples, as WebhookEndToEndTest does
class PoisonUpdateTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String WABA = "102290129340398";
    static final String NUMBER = "106540352242922";
    static final String USER = "16505551234";

    static LocalRuntime runtime;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        runtime = own;
        new DynamoDbRouting(runtime.dynamo(), runtime.resources().tableNames().get("Table"), Clock.systemUTC())
                .claim(new TenantId("poison"), WABA, new PhoneNumberId(NUMBER));
    }


    /**
     * A text message webhook as Meta documents it (WhatsApp Cloud API, Webhooks, "messages" field, text message
     * example); {@code id} is left out when {@code wamid} is null, which no retry can repair.
     */
    static String textWebhook(String wamid, String text) {
        String id = wamid == null ? "" : "\"id\":\"" + wamid + "\",";
        return """
                {"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                "contacts":[{"profile":{"name":"Sheena"},"wa_id":"%s"}],
                "messages":[{"from":"%s",%s"timestamp":"%d","type":"text","text":{"body":"%s"}}]},
                "field":"messages"}]}]}""".formatted(WABA, NUMBER, USER, USER, id, Instant.now().getEpochSecond(), text);
    }

    static int postSigned(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("content-type", "application/json")
                .header("x-hub-signature-256", WebhookSignature.withSecret(runtime.metaAppSecret()).sign(bytes)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static boolean stored(String wamid) {
        Map<String, AttributeValue> item = runtime.dynamo().getItem(r -> r.tableName(runtime.resources().tableNames().get("Table"))
                .consistentRead(true).key(TableItems.key(TableItems.wamid(wamid), TableItems.POINTER))).item();
        return item != null && !item.isEmpty();
    }

    @Test
    void anUnreadableUpdateIsDeadLetteredAtOnceWithItsReasonAndItsConversationGoesOn() throws Exception {
        String marker = "poison-" + UUID.randomUUID();
        assertThat(postSigned(textWebhook(null, marker))).isEqualTo(200);
        String next = "wamid." + UUID.randomUUID();
        assertThat(postSigned(textWebhook(next, "after the poison"))).isEqualTo(200);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!stored(next) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(stored(next)).as("the next message of the conversation is stored without waiting behind the poison").isTrue();

        String dlq = runtime.resources().queueUrls().get("InboundDeadLetterQueue");
        List<Message> dead = new ArrayList<>();
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dead.stream().noneMatch(m -> m.body().contains(marker)) && System.nanoTime() < deadline) {
            dead.addAll(runtime.sqs().receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
        }
        Message poison = dead.stream().filter(m -> m.body().contains(marker)).findFirst().orElseThrow(
                () -> new AssertionError("the poison update is not in the dead-letter queue"));
        assertThat(poison.messageAttributes().get("DeadLetterReason").stringValue())
                .isEqualTo("MalformedWebhook: a message is missing its id, sender or timestamp");
    }
}
