package io.wabridge.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiHttpHandlerTest {

    private final ApiHttpHandler handler = new ApiHttpHandler(new io.wabridge.adapters.lambda.TenantGate("tenant_id", "plan", null), new TenantController(null), null,
            new ConversationsController(null, null, null),
            null, null, null, null);

    @Test
    void whoamiAnswersTheTenantFromTheVerifiedClaims() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(EventLoader.loadApiGatewayHttpEvent("events/api-whoami.json"), null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).contains("\"tenantId\":\"acme\"").contains("\"subject\":\"user-42\"");
    }

    @Test
    void refusesATokenWithoutTheTenantClaim() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/api-whoami.json");
        event.getRequestContext().getAuthorizer().getJwt().setClaims(Map.of("sub", "user-42"));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getBody()).contains("tenant_claim_missing");
    }

    /** API Gateway hands every claim over as text: JSON null, booleans and numbers as words, arrays as {@code [a b]}. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "true", "false", "42", "[]", "[acme globex]", "{}", "{\"id\":\"acme\"}",
            "acme\u0000", "acme\nglobex", "t12345678901234567890123456789012345678901234567890123456789012345", " "})
    void refusesATenantClaimThatIsNotATenantIdWithWwwAuthenticate(String claim) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/api-whoami.json");
        event.getRequestContext().getAuthorizer().getJwt().setClaims(Map.of("sub", "user-42", "tenant_id", claim));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getBody()).containsAnyOf("tenant_claim_invalid", "tenant_claim_missing").doesNotContain("acme");
        assertThat(response.getHeaders()).hasEntrySatisfying("www-authenticate", v ->
                assertThat(v).startsWith("Bearer error=\"invalid_token\"").contains("tenant_id"));
    }

    @Test
    void answersAnUnknownRouteWithA404JsonError() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/api-whoami.json");
        event.setRouteKey("GET /v1/nothing");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getBody()).contains("route_unknown");
    }
}
