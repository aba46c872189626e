package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.lambda.HttpRouter;
import io.wabridge.adapters.lambda.TenantGate;

/**
 * The SaaS-facing API behind the HTTP API's JWT authorizer. The tenant is always the configured claim of
 * the verified token, never a request field; its plan's rate limit is checked before any route runs.
 */
public final class ApiHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final HttpRouter router;

    /** Who the verified token names. */
    record WhoAmI(String tenantId, String subject) {}

    public ApiHttpHandler() {
        this(Components.fromEnvironment());
    }

    public ApiHttpHandler(Components c) {
        this(c.tenantGate(), new ReadApi(c.messageHistory(), c::mediaLink, c.channels()),
                new SendApi(c.acceptSend(), c.outbox(), c.messageHistory(), c.channelCalls()::markRead, c.channelCalls()::upload, c.channels()),
                new TenantApi(c.handoff(), c.usage(), c.templateCatalog()),
                new ConsentApi(c.recordConsent(), c.consentLedger(), c.sendPolicy(), c.channels(), c.contactPrivacy()),
                new NotificationsApi(c.scheduleNotification(), c.notifications()));
    }

    ApiHttpHandler(TenantGate gate, ReadApi read, SendApi send, TenantApi tenantApi, ConsentApi consent, NotificationsApi notifications) {
        this.router = new HttpRouter(gate)
                .jwt("GET", "/v1/whoami", r -> json(200, new WhoAmI(r.tenant().value(), r.claim("sub").orElse(""))))
                .jwt("GET", "/v1/channels/{phoneNumberId}/conversations", r -> read.conversations(r.tenant(), r.event()))
                .jwt("GET", "/v1/channels/{phoneNumberId}/conversations/{contact}/messages", r -> read.messages(r.tenant(), r.event()))
                .jwt("GET", "/v1/messages/{wamid}", r -> send.read(r.tenant(), r.path("wamid")).orElseGet(() -> read.message(r.tenant(), r.event())))
                .jwt("POST", "/v1/messages", r -> send.send(r.tenant(), r.event()))
                .jwt("POST", "/v1/media", r -> send.uploadMedia(r.tenant(), r.event()))
                .jwt("GET", "/v1/usage", r -> tenantApi.usage(r.tenant(), r.event()))
                .jwt("GET", "/v1/templates", r -> tenantApi.templates(r.tenant(), r.event(), false))
                .jwt("POST", "/v1/templates", r -> tenantApi.createTemplate(r.tenant(), r.event()))
                .jwt("POST", "/v1/templates/sync", r -> tenantApi.templates(r.tenant(), r.event(), true))
                .jwt("DELETE", "/v1/templates/{name}", r -> tenantApi.deleteTemplate(r.tenant(), r.event()))
                .jwt("POST", "/v1/conversations/{id}/handoff", r -> tenantApi.handoff(r.tenant(), r.event(), true))
                .jwt("POST", "/v1/conversations/{id}/resume", r -> tenantApi.handoff(r.tenant(), r.event(), false))
                .jwt("POST", "/v1/messages/{wamid}/read", r -> send.markRead(r.tenant(), r.event()))
                .jwt("GET", "/v1/messages/{wamid}/media", r -> read.media(r.tenant(), r.event()))
                .jwt("POST", "/v1/contacts/{contact}/consent", r -> consent.record(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/contacts/{contact}/consent", r -> consent.read(r.tenant(), r.event()))
                .jwt("GET", "/v1/contacts/{contact}/can-send", r -> consent.canSend(r.tenant(), r.event()))
                .jwt("GET", "/v1/contacts/{contact}/export", r -> consent.export(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("DELETE", "/v1/contacts/{contact}", r -> consent.erase(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("POST", "/v1/consent/import", r -> consent.importRows(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/consent/metrics", r -> notifications.metrics(r.tenant(), r.event()))
                .jwt("POST", "/v1/notifications", r -> notifications.create(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/notifications/{id}", r -> notifications.read(r.tenant(), r.event()));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.route(event);
    }
}
