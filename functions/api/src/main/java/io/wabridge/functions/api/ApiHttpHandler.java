package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.aws.DynamoDbChannels;
import io.wabridge.adapters.aws.DynamoDbMessageHistory;
import io.wabridge.adapters.aws.DynamoDbOutbox;
import io.wabridge.adapters.meta.GraphClient;
import io.wabridge.core.consent.RecordConsent;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import java.time.Clock;
import io.wabridge.adapters.config.Wiring;
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
        this(Wiring.fromSystem());
    }

    public ApiHttpHandler(Wiring wiring) {
        this(TenantGate.of(wiring), new DynamoDbMessageHistory(wiring.dynamo(), wiring.config().tableName(), wiring::media),
                (key, ttl) -> wiring.media().link(key, ttl).toString(), wiring);
    }

    private ApiHttpHandler(TenantGate gate, MessageHistory history, ReadApi.MediaLinks links, Wiring wiring) {
        this(gate, history, links, new DynamoDbChannels(wiring.dynamo(), wiring.config().tableName()), sendApi(wiring, history), new TenantApi(new io.wabridge.core.tenant.Handoff(
                new io.wabridge.adapters.aws.DynamoDbConversations(wiring.dynamo(), wiring.config().tableName()), wiring.domainEvents(),
                Clock.systemUTC()), new io.wabridge.core.tenant.Usage(new io.wabridge.adapters.aws.DynamoDbUsage(wiring.dynamo(),
                wiring.config().tableName()), wiring.config().usageRateCard()), new io.wabridge.core.tenant.TemplateCatalog(
                new DynamoDbChannels(wiring.dynamo(), wiring.config().tableName()), wiring.tokenVault(),
                new io.wabridge.adapters.meta.GraphTemplates(wiring.graph()),
                new io.wabridge.adapters.aws.DynamoDbTemplates(wiring.dynamo(), wiring.config().tableName(), Clock.systemUTC()))),
                consentApi(wiring), notificationsApi(wiring));
    }

    private static NotificationsApi notificationsApi(Wiring wiring) {
        String table = wiring.config().tableName();
        var store = new io.wabridge.adapters.aws.DynamoDbNotifications(wiring.dynamo(), table);
        return new NotificationsApi(new io.wabridge.core.notify.ScheduleNotification(new DynamoDbChannels(wiring.dynamo(), table),
                new DynamoDbOutbox(wiring.dynamo(), table, Clock.systemUTC()), store, Clock.systemUTC()), store);
    }

    private static ConsentApi consentApi(Wiring wiring) {
        var ledger = wiring.consentLedger();
        DynamoDbChannels channels = new DynamoDbChannels(wiring.dynamo(), wiring.config().tableName());
        return new ConsentApi(new RecordConsent(ledger, Clock.systemUTC()), ledger, wiring.sendPolicy(), channels,
                new io.wabridge.core.tenant.ContactPrivacy(channels,
                new io.wabridge.adapters.aws.DynamoDbContactData(wiring.dynamo(), wiring.config().tableName(), wiring::media), ledger,
                Clock.systemUTC()));
    }

    private static SendApi sendApi(Wiring wiring, MessageHistory history) {
        String table = wiring.config().tableName();
        DynamoDbOutbox outbox = new DynamoDbOutbox(wiring.dynamo(), table, Clock.systemUTC());
        GraphClient graph = wiring.graph();
        return new SendApi(wiring.acceptSend(),
                new SendApi.Sends() {
                    public java.util.Optional<io.wabridge.core.send.OutboundMessage> byId(TenantId t, String id) {
                        return outbox.get(t, id);
                    }

                    public java.util.Optional<io.wabridge.core.send.OutboundMessage> byWamid(TenantId t, String wamid) {
                        return outbox.byWamid(t, wamid);
                    }
                }, history, (tenant, phoneNumberId, wamid, typing) -> {
                    Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("messaging_product", "whatsapp", "status", "read",
                            "message_id", wamid));
                    if (typing) {
                        body.put("typing_indicator", Map.of("type", "text"));
                    }
                    graph.post(token(wiring, tenant, phoneNumberId), phoneNumberId + "/messages", body);
                }, (tenant, phoneNumberId, mime, filename, bytes) -> graph.postFile(token(wiring, tenant, phoneNumberId),
                        phoneNumberId + "/media", Map.of("messaging_product", "whatsapp", "type", mime), "file", filename, mime, bytes)
                        .path("id").asText());
    }

    private static String token(Wiring wiring, TenantId tenant, String phoneNumberId) {
        return wiring.tokenVault().reveal(new SecretContext(tenant.value(), phoneNumberId, SecretField.BUSINESS_TOKEN))
                .orElseThrow(() -> new IllegalStateException("the channel has no business token; run signup again")).reveal();
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
