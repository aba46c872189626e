package io.wabridge.core.consent;

/** A consent request that cannot be recorded; {@code field} names what is wrong. */
public final class ConsentRejected extends RuntimeException {

    private final String field;

    public ConsentRejected(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
