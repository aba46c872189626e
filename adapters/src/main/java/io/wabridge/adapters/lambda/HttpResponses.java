package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** The shapes every HTTP handler answers with: JSON bodies and one error shape. */
public final class HttpResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponses() {}

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                    .withHeaders(Map.of("content-type", "application/json"))
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    /** {@code {"error":{"code":..,"message":..}}}: a stable machine code and a sentence for people. */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        return error(status, code, message, null);
    }

    /** Any body with its content type (pages, scripts); headers stay mutable for callers to add to. */
    public static APIGatewayV2HTTPResponse body(int status, String contentType, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(new java.util.HashMap<>(Map.of("content-type", contentType))).withBody(body).build();
    }

    /** The error shape with {@code field} naming the request field at fault (omitted when null). */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message, String field) {
        return json(status, new ErrorBody(new Problem(code, message, field, null)));
    }

    /** The error body: {@code {"error": {...}}}. */
    public record ErrorBody(Problem error) {}

    /** What is wrong: a stable code, a sentence, the field at fault and, for a list, its rows at fault (each omitted when null). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String code, String message, String field, java.util.List<Map<String, Object>> rows) {}

    /** The body as a JSON object, or empty if it is not one (the caller answers 400). */
    public static Optional<com.fasterxml.jackson.databind.JsonNode> jsonObject(APIGatewayV2HTTPEvent event) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(rawBody(event));
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The response with one more header (the others kept). */
    public static APIGatewayV2HTTPResponse withHeader(APIGatewayV2HTTPResponse response, String name, String value) {
        Map<String, String> headers = new java.util.HashMap<>(response.getHeaders() == null ? Map.of() : response.getHeaders());
        headers.put(name, value);
        response.setHeaders(headers);
        return response;
    }

    public static APIGatewayV2HTTPResponse text(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("content-type", "text/plain")).withBody(body).build();
    }

    /** The raw request body bytes, decoded from base64 when API Gateway encoded them. */
    public static byte[] rawBody(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        return event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    /** A header by name; API Gateway lower-cases header names in payload format 2.0. */
    public static Optional<String> header(APIGatewayV2HTTPEvent event, String name) {
        return event.getHeaders() == null ? Optional.empty()
                : Optional.ofNullable(event.getHeaders().get(name.toLowerCase()));
    }

    public static Optional<String> query(APIGatewayV2HTTPEvent event, String name) {
        return event.getQueryStringParameters() == null ? Optional.empty()
                : Optional.ofNullable(event.getQueryStringParameters().get(name));
    }

    /** A claim of the JWT that the HTTP API's authorizer verified. */
    public static Optional<String> claim(APIGatewayV2HTTPEvent event, String name) {
        var ctx = event.getRequestContext();
        if (ctx == null || ctx.getAuthorizer() == null || ctx.getAuthorizer().getJwt() == null
                || ctx.getAuthorizer().getJwt().getClaims() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(ctx.getAuthorizer().getJwt().getClaims().get(name)).filter(v -> !v.isBlank());
    }
}
