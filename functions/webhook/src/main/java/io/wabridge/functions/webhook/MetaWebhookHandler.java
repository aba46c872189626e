package io.wabridge.functions.webhook;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.header;
import static io.wabridge.adapters.lambda.HttpResponses.query;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.lambda.Invocation;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.webhook.InboundQueue;
import io.wabridge.core.webhook.ReceiveWebhook;
import io.wabridge.core.webhook.VerifyChallenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta's webhook callback ({@code GET|POST /webhook}, no JWT). GET answers the verification handshake;
 * POST checks {@code X-Hub-Signature-256} over the raw body and enqueues it, nothing more.
 */
public final class MetaWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger log = LoggerFactory.getLogger(MetaWebhookHandler.class);

    private final VerifyChallenge verify;
    private final ReceiveWebhook receive;
    private final EmfMetrics metrics;

    public MetaWebhookHandler() {
        this(Components.fromEnvironment());
    }

    public MetaWebhookHandler(Components components) {
        this(components.verifyChallenge(), components.receiveWebhook(), components.metrics());
    }

    MetaWebhookHandler(VerifyChallenge verify, ReceiveWebhook receive, EmfMetrics metrics) {
        this.verify = verify;
        this.receive = receive;
        this.metrics = metrics;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String method = event.getRequestContext().getHttp().getMethod();
        return Invocation.run(context, metrics, () -> "GET".equals(method) ? verify(event) : receive(event));
    }

    private APIGatewayV2HTTPResponse verify(APIGatewayV2HTTPEvent event) {
        return verify.answer(query(event, "hub.mode").orElse(null), query(event, "hub.verify_token").orElse(null),
                        query(event, "hub.challenge").orElse(null))
                .map(challenge -> HttpResponses.text(200, challenge))
                .orElseGet(() -> error(403, "verification_failed", "hub.mode must be subscribe and hub.verify_token must match"));
    }

    private APIGatewayV2HTTPResponse receive(APIGatewayV2HTTPEvent event) {
        String signature = header(event, "x-hub-signature-256").orElse(null);
        if (signature == null) {
            return error(401, "signature_missing", "X-Hub-Signature-256 header is required");
        }
        try {
            ReceiveWebhook.Result result = receive.receive(signature, HttpResponses.rawBody(event));
            return switch (result.outcome()) {
                case ACCEPTED -> HttpResponses.json(200, java.util.Map.of("status", "accepted", "updates", result.updates()));
                case BAD_SIGNATURE -> {
                    log.warn("webhook refused: signature does not match the body");
                    yield error(401, "signature_invalid", "X-Hub-Signature-256 does not match the body");
                }
                case IGNORED -> {
                    // Meta redelivers anything but a 200 for days: a delivery for another object is acknowledged, not stored.
                    log.info("webhook ignored: its object is not whatsapp_business_account");
                    yield HttpResponses.json(200, java.util.Map.of("status", "ignored", "updates", 0));
                }
                case MALFORMED -> {
                    log.warn("webhook refused: signed body is not a WhatsApp webhook");
                    yield error(400, "body_malformed", "the body is not a WhatsApp Business Account webhook (JSON with entry[].changes[])");
                }
            };
        } catch (InboundQueue.EnqueueFailed e) {
            log.error("webhook not enqueued, asking Meta to redeliver: {}", e.getCause() == null ? e : e.getCause().getClass().getSimpleName());
            return error(503, "enqueue_failed", "the webhook could not be stored; Meta will redeliver it");
        } catch (IllegalArgumentException e) {
            return error(400, "body_invalid", "the body is not valid base64");
        }
    }
}
