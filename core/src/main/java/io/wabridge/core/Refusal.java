package io.wabridge.core;

/**
 * A request the domain refuses: what kind of refusal it is, a stable reason code for machines, a sentence for people
 * and (when one is at fault) the request field. The kind says why in the domain's words; each protocol maps it to its
 * own status in one place (HTTP: {@code adapters.lambda.HttpRefusals}).
 */
public abstract class Refusal extends RuntimeException {

    /** Why a request is refused. */
    public enum Kind {
        /** The request is malformed or a value is out of range. */
        INVALID,
        /** The caller may not do this (another tenant's number, a number Meta did not grant). */
        NOT_GRANTED,
        /** What the request names does not exist for the caller. */
        UNKNOWN,
        /** The request conflicts with the current state (a key reused, a number taken, already done). */
        CONFLICT,
        /** Well formed, but a rule forbids it now (the window is closed, no opt-in, template not approved). */
        NOT_ALLOWED,
        /** Meta (or another service the request needs) failed. */
        UPSTREAM_FAILED
    }

    private final Kind kind;
    private final String code;
    private final String field;

    protected Refusal(Kind kind, String code, String field, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
