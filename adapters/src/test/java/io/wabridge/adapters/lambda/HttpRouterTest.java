package io.wabridge.adapters.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.core.Refusal;
import io.wabridge.core.channel.SignupRejected;
import io.wabridge.core.send.SendRejected;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRouterTest {

    private final HttpRouter router = new HttpRouter(new TenantGate("tenant_id", "plan", null))
            .jwt("GET", "/v1/channels/{phoneNumberId}", r -> HttpResponses.json(200, Map.of("tenant", r.tenant().value(), "pn", r.path("phoneNumberId"))))
            .jwt("DELETE", "/v1/channels/{phoneNumberId}", r -> {
                throw new SignupRejected(Refusal.Kind.CONFLICT, "number_taken", "taken");
            })
            .jwt("POST", "/v1/notifications", r -> {
                throw new SendRejected(Refusal.Kind.NOT_ALLOWED, "recipients_refused", "recipients", "2 recipients refused",
                        List.of(new java.util.TreeMap<>(Map.of("index", 1, "reason", "opted_out"))));
            })
            .open("GET", "/optin/{token}", r -> HttpResponses.json(200, Map.of("token", r.path("token"), "tenant", String.valueOf(r.tenant()))));

    private static APIGatewayV2HTTPEvent event(String routeKey, String method, String path, Map<String, String> claims) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build();
        var jwt = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build();
        var ctx = APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(http)
                .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withJwt(jwt).build()).build();
        return APIGatewayV2HTTPEvent.builder().withRouteKey(routeKey).withRawPath(path).withRequestContext(ctx).build();
    }

    @Test
    void matchesTheRouteKeyAndPassesTheGatewaysPathParameters() {
        APIGatewayV2HTTPEvent e = event("GET /v1/channels/{phoneNumberId}", "GET", "/v1/channels/123", Map.of("tenant_id", "acme"));
        e.setPathParameters(Map.of("phoneNumberId", "123"));
        APIGatewayV2HTTPResponse r = router.route(e);
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("\"tenant\":\"acme\"").contains("\"pn\":\"123\"");
    }

    @Test
    void aCatchAllRouteIsMatchedByMethodAndPathWithDecodedParameters() {
        APIGatewayV2HTTPResponse r = router.route(event("$default", "GET", "/optin/a%2Fb", Map.of()));
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("\"token\":\"a/b\"").contains("\"tenant\":\"null\"");
    }

    @Test
    void anUnknownPathIsA404AndAnotherMethodA405WithAllow() {
        APIGatewayV2HTTPResponse unknown = router.route(event("GET /v1/nothing", "GET", "/v1/nothing", Map.of("tenant_id", "acme")));
        assertThat(unknown.getStatusCode()).isEqualTo(404);
        assertThat(unknown.getBody()).isEqualTo("{\"error\":{\"code\":\"route_unknown\",\"message\":\"no such route: GET /v1/nothing\"}}");
        APIGatewayV2HTTPResponse wrongMethod = router.route(event("$default", "PUT", "/v1/channels/123", Map.of("tenant_id", "acme")));
        assertThat(wrongMethod.getStatusCode()).isEqualTo(405);
        assertThat(wrongMethod.getHeaders()).containsEntry("allow", "DELETE, GET");
        assertThat(wrongMethod.getBody()).contains("\"code\":\"method_not_allowed\"");
    }

    @Test
    void jwtRoutesNeedTheTenantClaimOpenRoutesDoNot() {
        assertThat(router.route(event("GET /v1/channels/{phoneNumberId}", "GET", "/v1/channels/1", Map.of())).getStatusCode()).isEqualTo(403);
        APIGatewayV2HTTPEvent open = event("GET /optin/{token}", "GET", "/optin/t", Map.of());
        open.setPathParameters(Map.of("token", "t"));
        assertThat(router.route(open).getStatusCode()).isEqualTo(200);
    }

    @Test
    void aCoreRefusalBecomesItsStatusAndTheOneErrorBody() {
        APIGatewayV2HTTPResponse conflict = router.route(event("DELETE /v1/channels/{phoneNumberId}", "DELETE", "/v1/channels/1",
                Map.of("tenant_id", "acme")));
        assertThat(conflict.getStatusCode()).isEqualTo(409);
        assertThat(conflict.getBody()).isEqualTo("{\"error\":{\"code\":\"number_taken\",\"message\":\"taken\"}}");
        APIGatewayV2HTTPResponse rows = router.route(event("POST /v1/notifications", "POST", "/v1/notifications", Map.of("tenant_id", "acme")));
        assertThat(rows.getStatusCode()).isEqualTo(422);
        assertThat(rows.getBody()).isEqualTo("{\"error\":{\"code\":\"recipients_refused\",\"message\":\"2 recipients refused\","
                + "\"field\":\"recipients\",\"rows\":[{\"index\":1,\"reason\":\"opted_out\"}]}}");
    }

    @Test
    void everyKindHasAStatus() {
        for (Refusal.Kind kind : Refusal.Kind.values()) {
            assertThat(HttpRefusals.status(kind)).as(kind.name()).isBetween(400, 599);
        }
    }
}
