package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.core.Refusal;
import io.wabridge.core.send.SendRejected;

/** The one place a core {@link Refusal} becomes an HTTP status and the error body {@code {"error":{code, message, field?}}}. */
public final class HttpRefusals {

    private HttpRefusals() {}

    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_GRANTED -> 403;
            case UNKNOWN -> 404;
            case CONFLICT -> 409;
            case NOT_ALLOWED -> 422;
            case UPSTREAM_FAILED -> 502;
        };
    }

    /** The refusal's status and error body; a refused list also names its rows at fault ({@code error.rows}). */
    public static APIGatewayV2HTTPResponse response(Refusal refusal) {
        var rows = refusal instanceof SendRejected s && !s.rows().isEmpty() ? s.rows() : null;
        return HttpResponses.json(status(refusal.kind()),
                new HttpResponses.ErrorBody(new HttpResponses.Problem(refusal.code(), refusal.getMessage(), refusal.field(), rows)));
    }
}
