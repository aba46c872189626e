package io.wabridge.core.channel;

import io.wabridge.core.Refusal;

/** A signup or channel request refused, with a stable reason code for the caller. */
public final class SignupRejected extends Refusal {

    public SignupRejected(Kind kind, String code, String message) {
        super(kind, code, null, message);
    }
}
