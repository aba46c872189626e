package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.wabridge.core.inbound.TenantId;
import java.util.Map;
import java.util.Optional;

/**
 * One routed request: the event, the tenant of the verified token (null on an open route) and the path's parameters.
 */
public record HttpRequest(APIGatewayV2HTTPEvent event, TenantId tenant, Map<String, String> pathParameters) {

    /** A path parameter of the route's template, or null. */
    public String path(String name) {
        return pathParameters.get(name);
    }

    public Optional<String> query(String name) {
        return HttpResponses.query(event, name);
    }

    public Optional<String> header(String name) {
        return HttpResponses.header(event, name);
    }

    /** A claim of the verified JWT. */
    public Optional<String> claim(String name) {
        return HttpResponses.claim(event, name);
    }

    /** The raw body bytes. */
    public byte[] body() {
        return HttpResponses.rawBody(event);
    }
}
