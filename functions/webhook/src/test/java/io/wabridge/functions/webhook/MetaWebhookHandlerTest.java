package io.wabridge.functions.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.webhook.InboundQueue;
import io.wabridge.core.webhook.WebhookUpdate;
import io.wabridge.core.webhook.ReceiveWebhook;
import io.wabridge.core.webhook.VerifyChallenge;
import io.wabridge.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaWebhookHandlerTest {

    private final List<WebhookUpdate> queued = new ArrayList<>();
    private final MetaWebhookHandler handler = handler(queued::addAll);

    private static MetaWebhookHandler handler(InboundQueue queue) {
        return new MetaWebhookHandler(new VerifyChallenge("test-verify-token"),
                new ReceiveWebhook(WebhookSignature.withSecret("test-app-secret"), new MetaWebhookParser(), queue), io.wabridge.adapters.metrics.EmfMetrics.discarding());
    }

    @Test
    void answersTheVerificationHandshake() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/webhook-verify.json");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEqualTo("1158201444");
    }

    @Test
    void refusesAHandshakeWithTheWrongToken() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/webhook-verify.json");
        event.setQueryStringParameters(Map.of("hub.mode", "subscribe", "hub.verify_token", "guess", "hub.challenge", "1"));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getBody()).contains("\"code\":\"verification_failed\"");
    }

    @Test
    void enqueuesASignedWebhookExactlyAsReceived() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).groupId()).isEqualTo("pn:106540352242922:16505551234");
        assertThat(new String(queued.get(0).body(), StandardCharsets.UTF_8)).contains("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
    }

    @Test
    void verifiesBase64EncodedBodiesOverTheDecodedBytes() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json");
        String raw = event.getBody();
        event.setBody(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(200);
        assertThat(new String(queued.get(0).body(), StandardCharsets.UTF_8)).contains("another color");
    }

    @Test
    void refusesMissingAndWrongSignaturesAndQueuesNothing() {
        APIGatewayV2HTTPEvent unsigned = EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json");
        Map<String, String> headers = new HashMap<>(unsigned.getHeaders());
        headers.remove("x-hub-signature-256");
        unsigned.setHeaders(headers);
        APIGatewayV2HTTPResponse missing = handler.handleRequest(unsigned, null);
        assertThat(missing.getStatusCode()).isEqualTo(401);
        assertThat(missing.getBody()).contains("signature_missing");

        APIGatewayV2HTTPEvent tampered = EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json");
        tampered.setBody(tampered.getBody().replace("another color", "another colour"));
        APIGatewayV2HTTPResponse wrong = handler.handleRequest(tampered, null);
        assertThat(wrong.getStatusCode()).isEqualTo(401);
        assertThat(wrong.getBody()).contains("signature_invalid");
        assertThat(queued).isEmpty();
    }

    @Test
    void answersASignedButMalformedBodyWith400() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json");
        String junk = "{\"object\":\"whatsapp_business_account\",\"entry\":";
        event.setBody(junk);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("x-hub-signature-256", WebhookSignature.withSecret("test-app-secret").sign(junk.getBytes(StandardCharsets.UTF_8)));
        event.setHeaders(headers);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("body_malformed");
        assertThat(queued).isEmpty();
    }

    @Test
    void asksMetaToRedeliverWhenTheQueueFails() {
        MetaWebhookHandler failing = handler(body -> {
            throw new InboundQueue.EnqueueFailed("queue down", new RuntimeException("x"));
        });
        APIGatewayV2HTTPResponse response = failing.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("events/webhook-text-message.json"), null);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getBody()).contains("enqueue_failed");
    }
}
