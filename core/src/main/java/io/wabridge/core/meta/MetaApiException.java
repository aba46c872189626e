package io.wabridge.core.meta;

/**
 * A failed call to Meta's Graph API: the HTTP status (0 for a transport failure or timeout), Meta's
 * {@code error.code} and {@code error_subcode} (0 when absent) and its message. Never carries a token.
 */
public class MetaApiException extends RuntimeException {

    private final int httpStatus;
    private final int code;
    private final int subcode;

    public MetaApiException(int httpStatus, int code, int subcode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.code = code;
        this.subcode = subcode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    /** No answer from Meta (connection failure or timeout). */
    public boolean transport() {
        return httpStatus == 0;
    }
}
