package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.aws.DynamoDbMessageHistory;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import java.util.Map;

/**
 * The SaaS-facing API behind the HTTP API's JWT authorizer. The tenant is always the configured claim of
 * the verified token, never a request field.
 */
public final class ApiHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final String tenantClaim;
    private final ReadApi read;

    public ApiHttpHandler() {
        this(Wiring.fromSystem());
    }

    public ApiHttpHandler(Wiring wiring) {
        this(wiring.config().tenantClaim(), new DynamoDbMessageHistory(wiring.dynamo(), wiring.config().tableName(), wiring::media),
                (key, ttl) -> wiring.media().link(key, ttl).toString());
    }

    ApiHttpHandler(String tenantClaim, MessageHistory history, ReadApi.MediaLinks links) {
        this.tenantClaim = tenantClaim;
        this.read = new ReadApi(history, links);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        var claimed = claim(event, tenantClaim);
        TenantId tenant;
        try {
            tenant = new TenantId(claimed.orElseThrow());
        } catch (RuntimeException e) {
            return error(403, "tenant_claim_missing", "the token has no valid '" + tenantClaim + "' claim naming the tenant");
        }
        return switch (event.getRouteKey()) {
            case "GET /v1/whoami" -> HttpResponses.json(200, Map.of("tenantId", tenant.value(), "subject", claim(event, "sub").orElse("")));
            case "GET /v1/channels/{phoneNumberId}/conversations" -> read.conversations(tenant, event);
            case "GET /v1/channels/{phoneNumberId}/conversations/{contact}/messages" -> read.messages(tenant, event);
            case "GET /v1/messages/{wamid}" -> read.message(tenant, event);
            case "GET /v1/messages/{wamid}/media" -> read.media(tenant, event);
            default -> error(404, "route_unknown", "no such route: " + event.getRouteKey());
        };
    }
}
