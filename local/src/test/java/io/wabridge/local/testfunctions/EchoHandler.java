package io.wabridge.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.config.Wiring;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers with the event it received, so tests can check the event's shape. */
public final class EchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();
    public EchoHandler(Wiring wiring) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("event", event);
            out.put("functionName", context.getFunctionName());
            out.put("remainingMillis", context.getRemainingTimeInMillis());
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                    .withHeaders(Map.of("content-type", "application/json", "x-echo", "yes"))
                    .withCookies(java.util.List.of("session=abc; Path=/"))
                    .withBody(JSON.writeValueAsString(out)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
