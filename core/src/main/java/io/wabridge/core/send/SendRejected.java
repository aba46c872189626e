package io.wabridge.core.send;

/**
 * A send (or a notification of many) refused before any call to Meta: HTTP status, a stable reason code, the
 * field at fault (if one), and for a list the rows at fault (each with its index and reason).
 */
public final class SendRejected extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final java.util.List<java.util.Map<String, Object>> rows;

    public SendRejected(int status, String code, String field, String message) {
        this(status, code, field, message, java.util.List.of());
    }

    public SendRejected(int status, String code, String field, String message, java.util.List<java.util.Map<String, Object>> rows) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.rows = java.util.List.copyOf(rows);
    }

    public java.util.List<java.util.Map<String, Object>> rows() {
        return rows;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** A 400 naming the field at fault ({@code interactive.action.sections[0].rows[2].title}); its code is the field's. */
    public static SendRejected invalid(String field, String message) {
        // The code names the field without its list indexes (interactive.action.sections[0].rows[2].title ->
        // invalid_interactive_action_sections_rows_title); error.field keeps them.
        return new SendRejected(400, "invalid_" + field.replaceAll("\\[[0-9]+]", "").replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", ""), field, message);
    }
}
