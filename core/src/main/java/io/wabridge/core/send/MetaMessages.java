package io.wabridge.core.send;

import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;

/** {@code POST /{phone-number-id}/messages}; failures are {@link io.wabridge.core.meta.MetaApiException}s. */
public interface MetaMessages {

    /**
     * Meta took the send: its wamid, and the {@code message_status} Meta gave it in the answer, if any ({@code accepted},
     * {@code held_for_quality_assessment} or {@code paused}; Meta's OpenAPI, schema {@code MessageStatus}).
     */
    record Accepted(Wamid wamid, String messageStatus) {
        public static Accepted of(Wamid wamid) {
            return new Accepted(wamid, null);
        }
    }

    /**
     * One message to a person: the recipient (a wa_id or a BSUID), what it carries, the wamid it replies to (or null)
     * and the {@code biz_opaque_callback_data} Meta echoes on its statuses (null for none).
     */
    record Message(String to, OutboundContent content, String replyTo, String callbackData) {
        /** Logs name the type only: never the recipient or the content. */
        @Override
        public String toString() {
            return "Message[" + content.type() + "]";
        }
    }

    /** Sends the message; Meta's answer names the wamid. */
    Accepted send(String token, PhoneNumberId phoneNumberId, Message message);
}
