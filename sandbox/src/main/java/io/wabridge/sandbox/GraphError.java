package io.wabridge.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An error as the Graph API answers it:
 * {@code {"error":{"message","type","code","error_subcode"?,"error_data":{"messaging_product","details"},"fbtrace_id"}}}.
 */
public final class GraphError extends RuntimeException {

    private final int httpStatus;
    private final int code;
    private final Integer subcode;
    private final String type;
    private final String details;

    public GraphError(int httpStatus, int code, Integer subcode, String type, String message, String details) {
        super(message);
        this.httpStatus = httpStatus;
        this.code = code;
        this.subcode = subcode;
        this.type = type;
        this.details = details;
    }

    /** (#100) invalid parameter. */
    public static GraphError invalidParameter(String message, String details) {
        return new GraphError(400, 100, null, "OAuthException", "(#100) " + message, details);
    }

    /** An OAuth error 190 (invalid or expired token), HTTP 401. */
    public static GraphError invalidToken(String message, Integer subcode) {
        return new GraphError(401, 190, subcode, "OAuthException", message, null);
    }

    /** A WhatsApp error with its code in the message, as Cloud API writes it. */
    public static GraphError whatsapp(int httpStatus, int code, String title, String details) {
        return new GraphError(httpStatus, code, null, "OAuthException", "(#" + code + ") " + title, details);
    }

    /** Object missing or not visible to this token (code 100, subcode 33). */
    public static GraphError unknownObject(String id) {
        return new GraphError(400, 100, 33, "GraphMethodException", "Unsupported post request. Object with ID '" + id
                + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation. "
                + "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", null);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int code() {
        return code;
    }

    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("code", code);
        if (subcode != null) {
            error.put("error_subcode", subcode);
        }
        if (details != null) {
            error.put("error_data", Map.of("messaging_product", "whatsapp", "details", details));
        }
        error.put("fbtrace_id", "A" + UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        return Map.of("error", error);
    }

    /** The entry of a failed status webhook's {@code errors[]} for this error. */
    public static Map<String, Object> statusError(int code, String title, String details) {
        return Map.of("code", code, "title", title, "message", title,
                "error_data", Map.of("details", details),
                "href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
    }
}
