package io.wabridge.core.send;

/** A send refused before any call to Meta: HTTP status, a stable reason code, and the field at fault (if one). */
public final class SendRejected extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public SendRejected(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
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

    static SendRejected invalid(String field, String message) {
        return new SendRejected(400, "invalid_" + field.replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", ""), field, message);
    }
}
