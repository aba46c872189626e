package io.wabridge.core.messaging;

import java.time.Instant;
import java.util.Objects;

/**
 * A text message a WhatsApp user sent to a business number.
 *
 * @param phoneNumberId the business number that received it
 * @param from          the sender's wa_id (or BSUID when the phone number is withheld)
 * @param wamid         Meta's id; the idempotency key of the message
 * @param sentAt        Meta's timestamp
 * @param text          the body; never logged ({@link #toString()} hides it)
 */
public record InboundTextMessage(PhoneNumberId phoneNumberId, String from, Wamid wamid, Instant sentAt, String text) {
    public InboundTextMessage {
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(wamid, "wamid");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(text, "text");
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("from must not be blank");
        }
    }

    @Override
    public String toString() {
        return "InboundTextMessage[phoneNumberId=" + phoneNumberId + ", wamid=" + wamid + ", sentAt=" + sentAt
                + ", text=(" + text.length() + " chars)]";
    }
}
