package io.wabridge.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An error as the Graph API answers it:
 * {@code {"error":{"message","type","code","error_subcode"?,"error_data":{"messaging_product","details"}?,"is_transient"?,"fbtrace_id"}}}.
 * {@code error_data} only on WhatsApp errors (they have details); {@code is_transient} only on the codes Meta marks
 * transient; OAuth token errors (190) come with HTTP 401 and a {@code WWW-Authenticate} header, as Meta sends them.
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
        this.subcode = code == 130429 && subcode == null ? Integer.valueOf(THROUGHPUT_SUBCODE) : subcode;
        this.type = type;
        this.details = details;
    }

    /** Meta's subcode on 130429 (Cloud API throughput reached). */
    public static final int THROUGHPUT_SUBCODE = 2494055;

    /*
     * The HTTP status Meta answers with for an error code, from the "HTTP Status" column of
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes; 400 for the rest.
     */
    private static final Map<Integer, Integer> HTTP_STATUS = Map.ofEntries(
            Map.entry(0, 401), Map.entry(190, 401), Map.entry(3, 500), Map.entry(10, 403), Map.entry(200, 403),
            Map.entry(368, 403), Map.entry(130497, 403), Map.entry(131005, 403), Map.entry(131031, 403),
            Map.entry(2, 503), Map.entry(131000, 500), Map.entry(131016, 503), Map.entry(133004, 503),
            Map.entry(132001, 404));

    /** Meta's HTTP status for {@code code}. */
    public static int httpStatusFor(int code) {
        return code > 200 && code < 300 ? 403 : HTTP_STATUS.getOrDefault(code, 400);
    }

    /*
     * The codes whose Graph answers carry "is_transient": true (temporary server-side or throttling conditions: the same
     * request may succeed later). https://developers.facebook.com/docs/graph-api/guides/error-handling/ ("is_transient").
     */
    private static final java.util.Set<Integer> TRANSIENT = java.util.Set.of(1, 2, 4, 17, 32, 341, 613, 80007, 131000, 131016, 133004);

    /** The {@code WWW-Authenticate} header of a token error (190), null otherwise. */
    public String wwwAuthenticate() {
        return code == 190 ? "OAuth \"Facebook Platform\" \"invalid_token\" \"" + getMessage().replace("\"", "'") + "\"" : null;
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
        if (TRANSIENT.contains(code)) {
            error.put("is_transient", true);
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
