package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.adapters.lambda.TenantGate;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import java.util.Map;

/**
 * The SaaS-facing API behind the HTTP API's JWT authorizer. The tenant is always the configured claim of
 * the verified token, never a request field; its plan's rate limit is checked before any route runs.
 */
public final class ApiHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final TenantGate gate;
    private final ReadApi read;
    private final SendApi send;
    private final TenantApi tenantApi;
    private final ConsentApi consent;
    private final NotificationsApi notifications;
    private final io.wabridge.core.channel.Channels channels;

    public ApiHttpHandler() {
        this(Components.fromEnvironment());
    }

    public ApiHttpHandler(Components c) {
        this(c.tenantGate(), c.messageHistory(), c::mediaLink, c.channels(),
                new SendApi(c.acceptSend(), c.outbox(), c.messageHistory(), c.channelCalls()::markRead, c.channelCalls()::upload),
                new TenantApi(c.handoff(), c.usage(), c.templateCatalog()),
                new ConsentApi(c.recordConsent(), c.consentLedger(), c.sendPolicy(), c.channels(), c.contactPrivacy()),
                new NotificationsApi(c.scheduleNotification(), c.notifications()));
    }

    ApiHttpHandler(TenantGate gate, MessageHistory history, ReadApi.MediaLinks links, io.wabridge.core.channel.Channels channels,
                   SendApi send, TenantApi tenantApi, ConsentApi consent, NotificationsApi notifications) {
        this.gate = gate;
        this.consent = consent;
        this.notifications = notifications;
        this.channels = channels;
        this.read = new ReadApi(history, links, channels);
        this.send = send;
        this.tenantApi = tenantApi;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return gate.handle(event, tenant -> route(tenant, event));
    }

    private APIGatewayV2HTTPResponse route(TenantId tenant, APIGatewayV2HTTPEvent event) {
        return switch (event.getRouteKey()) {
            case "GET /v1/whoami" -> HttpResponses.json(200, Map.of("tenantId", tenant.value(), "subject", claim(event, "sub").orElse("")));
            case "GET /v1/channels/{phoneNumberId}/conversations" -> read.conversations(tenant, event);
            case "GET /v1/channels/{phoneNumberId}/conversations/{contact}/messages" -> read.messages(tenant, event);
            case "GET /v1/messages/{wamid}" -> send.read(tenant, event.getPathParameters().get("wamid"))
                    .orElseGet(() -> read.message(tenant, event));
            case "POST /v1/messages" -> send.send(tenant, event);
            case "POST /v1/media" -> send.uploadMedia(tenant, event, channels);
            case "GET /v1/usage" -> tenantApi.usage(tenant, event);
            case "GET /v1/templates" -> tenantApi.templates(tenant, event, false);
            case "POST /v1/templates" -> tenantApi.createTemplate(tenant, event);
            case "POST /v1/templates/sync" -> tenantApi.templates(tenant, event, true);
            case "DELETE /v1/templates/{name}" -> tenantApi.deleteTemplate(tenant, event);
            case "POST /v1/conversations/{id}/handoff" -> tenantApi.handoff(tenant, event, true);
            case "POST /v1/conversations/{id}/resume" -> tenantApi.handoff(tenant, event, false);
            case "POST /v1/messages/{wamid}/read" -> send.markRead(tenant, event);
            case "GET /v1/messages/{wamid}/media" -> read.media(tenant, event);
            case "POST /v1/contacts/{contact}/consent" -> consent.record(tenant, event, claim(event, "sub").orElse(null));
            case "GET /v1/contacts/{contact}/consent" -> consent.read(tenant, event);
            case "GET /v1/contacts/{contact}/can-send" -> consent.canSend(tenant, event);
            case "GET /v1/contacts/{contact}/export" -> consent.export(tenant, event, claim(event, "sub").orElse(null));
            case "DELETE /v1/contacts/{contact}" -> consent.erase(tenant, event, claim(event, "sub").orElse(null));
            case "POST /v1/consent/import" -> consent.importRows(tenant, event, claim(event, "sub").orElse(null));
            case "GET /v1/consent/metrics" -> notifications.metrics(tenant, event);
            case "POST /v1/notifications" -> notifications.create(tenant, event, claim(event, "sub").orElse(null));
            case "GET /v1/notifications/{id}" -> notifications.read(tenant, event);
            default -> error(404, "route_unknown", "no such route: " + event.getRouteKey());
        };
    }
}
