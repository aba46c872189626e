package io.wabridge.core.inbound;

import java.util.Locale;
import java.util.Optional;

/**
 * Delivery states of an outbound message, ordered: a status only ever moves forward, whatever order its
 * webhooks arrive in. {@code read} implies delivered; {@code played} (voice) follows read; {@code failed}
 * is terminal for its attempt.
 */
public enum MessageStatus {
    SENT(1), DELIVERED(2), READ(3), PLAYED(4), FAILED(10);

    private final int rank;

    MessageStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** True if a message in this state may move to {@code next}. */
    public boolean precedes(MessageStatus next) {
        return rank < next.rank;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MessageStatus> fromWire(String status) {
        try {
            return Optional.of(valueOf(status.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
