package io.wabridge.core.send;

import java.util.Locale;

/**
 * Where a send is: {@code queued} → {@code sending} (the attempt recorded before the call) → {@code sent} (Meta
 * accepted it) or {@code failed}; {@code retrying} after a transient error; {@code held} while the channel needs
 * re-authorisation or Meta took it out of service; {@code unconfirmed} after a call whose answer was lost, until a
 * status webhook or a later check settles it. Its wire name (the API's {@code state}, the outbox's {@code state}
 * attribute) is the lowercase name.
 */
public enum SendState {
    QUEUED, SENDING, SENT, RETRYING, UNCONFIRMED, HELD, FAILED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    /** Sent or failed: nothing more happens to it. */
    public boolean settled() {
        return this == SENT || this == FAILED;
    }

    /** The state named {@code wireName}. @throws IllegalArgumentException for any other name */
    public static SendState of(String wireName) {
        for (SendState s : values()) {
            if (s.wireName.equals(wireName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a send state: " + wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
