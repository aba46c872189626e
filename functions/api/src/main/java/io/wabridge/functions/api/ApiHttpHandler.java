package io.wabridge.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
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

    public ApiHttpHandler() {
        this(Components.fromEnvironment());
    }

    public ApiHttpHandler(Components c) {
        this(c.tenantGate(), new TenantController(c.usage()), new MessagesController(c.acceptSend(), c.outbox(), c.messageHistory(),
                        c.channelCalls()::markRead, c.channelCalls()::upload, c.channels(), c::mediaLink),
                new ConversationsController(c.messageHistory(), c.channels(), c.handoff()), new TemplatesController(c.templateCatalog()),
                new ConsentController(c.recordConsent(), c.consentLedger(), c.sendPolicy(), c.channels()),
                new ContactsController(c.contactPrivacy()), new NotificationsController(c.scheduleNotification(), c.notifications()));
    }

    ApiHttpHandler(TenantGate gate, TenantController tenant, MessagesController messages, ConversationsController conversations,
                   TemplatesController templates, ConsentController consent, ContactsController contacts, NotificationsController notifications) {
        this.router = new HttpRouter(gate)
                .jwt("GET", "/v1/whoami", tenant::whoami)
                .jwt("GET", "/v1/usage", r -> tenant.usage(r.tenant(), r.event()))
                .jwt("POST", "/v1/messages", r -> messages.send(r.tenant(), r.event()))
                .jwt("GET", "/v1/messages/{wamid}", r -> messages.read(r.tenant(), r.path("wamid")).orElseGet(() -> messages.message(r.tenant(), r.event())))
                .jwt("POST", "/v1/messages/{wamid}/read", r -> messages.markRead(r.tenant(), r.event()))
                .jwt("GET", "/v1/messages/{wamid}/media", r -> messages.media(r.tenant(), r.event()))
                .jwt("POST", "/v1/media", r -> messages.uploadMedia(r.tenant(), r.event()))
                .jwt("GET", "/v1/channels/{phoneNumberId}/conversations", conversations::conversations)
                .jwt("GET", "/v1/channels/{phoneNumberId}/conversations/{contact}/messages", conversations::messages)
                .jwt("POST", "/v1/conversations/{id}/handoff", r -> conversations.handoff(r.tenant(), r.event(), true))
                .jwt("POST", "/v1/conversations/{id}/resume", r -> conversations.handoff(r.tenant(), r.event(), false))
                .jwt("GET", "/v1/templates", r -> templates.templates(r.tenant(), r.event(), false))
                .jwt("POST", "/v1/templates", r -> templates.createTemplate(r.tenant(), r.event()))
                .jwt("POST", "/v1/templates/sync", r -> templates.templates(r.tenant(), r.event(), true))
                .jwt("DELETE", "/v1/templates/{name}", r -> templates.deleteTemplate(r.tenant(), r.event()))
                .jwt("POST", "/v1/contacts/{contact}/consent", r -> consent.record(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/contacts/{contact}/consent", r -> consent.read(r.tenant(), r.event()))
                .jwt("GET", "/v1/contacts/{contact}/can-send", r -> consent.canSend(r.tenant(), r.event()))
                .jwt("POST", "/v1/consent/import", r -> consent.importRows(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/consent/metrics", r -> notifications.metrics(r.tenant(), r.event()))
                .jwt("GET", "/v1/contacts/{contact}/export", r -> contacts.export(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("DELETE", "/v1/contacts/{contact}", r -> contacts.erase(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("POST", "/v1/notifications", r -> notifications.create(r.tenant(), r.event(), r.claim("sub").orElse(null)))
                .jwt("GET", "/v1/notifications/{id}", r -> notifications.read(r.tenant(), r.event()));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocation.run(context, () -> router.route(event));
    }
}
