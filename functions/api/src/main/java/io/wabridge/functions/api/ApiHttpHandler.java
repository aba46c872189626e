package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.adapters.lambda.HttpResponses;
import java.util.Map;

/**
 * The SaaS-facing API behind the HTTP API's JWT authorizer. The tenant is always the configured claim of
 * the verified token, never a request field. Today: {@code GET /v1/whoami}, which lets a SaaS check its
 * token set-up; later issues add their routes here.
 */
public final class ApiHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final String tenantClaim;

    public ApiHttpHandler() {
        this(Wiring.fromSystem());
    }

    public ApiHttpHandler(Wiring wiring) {
        this(wiring.config().tenantClaim());
    }

    ApiHttpHandler(String tenantClaim) {
        this.tenantClaim = tenantClaim;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        var tenant = claim(event, tenantClaim);
        if (tenant.isEmpty()) {
            return error(403, "tenant_claim_missing", "the token has no '" + tenantClaim + "' claim naming the tenant");
        }
        return switch (event.getRouteKey()) {
            case "GET /v1/whoami" -> HttpResponses.json(200, Map.of("tenantId", tenant.get(),
                    "subject", claim(event, "sub").orElse("")));
            default -> error(404, "route_unknown", "no such route: " + event.getRouteKey());
        };
    }
}
