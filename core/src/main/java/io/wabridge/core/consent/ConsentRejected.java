package io.wabridge.core.consent;

import io.wabridge.core.Refusal;

/** A consent request that cannot be recorded; {@code field} names what is wrong (code {@code invalid_<field>}). */
public final class ConsentRejected extends Refusal {

    public ConsentRejected(String field, String message) {
        super(Kind.INVALID, "invalid_" + field, field, message);
    }
}
