package io.wabridge.core.channel;

/** A signup or channel request refused, with the HTTP status and a stable reason code for the caller. */
public final class SignupRejected extends RuntimeException {

    private final int status;
    private final String code;

    public SignupRejected(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
