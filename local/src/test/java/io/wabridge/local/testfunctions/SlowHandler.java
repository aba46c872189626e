package io.wabridge.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.Wiring;
import java.util.Base64;

/** {@code /slow/sleep} outlives its 1 s timeout; {@code /slow/throw} throws; {@code /slow/binary} answers bytes. */
public final class SlowHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public SlowHandler(Wiring wiring) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        switch (event.getPathParameters().get("mode")) {
            case "sleep" -> {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return APIGatewayV2HTTPResponse.builder().withStatusCode(200).build();
            }
            case "throw" -> throw new IllegalStateException("boom");
            default -> {
                return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withIsBase64Encoded(true)
                        .withBody(Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255})).build();
            }
        }
    }
}
