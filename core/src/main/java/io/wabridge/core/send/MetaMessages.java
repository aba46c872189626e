package io.wabridge.core.send;

import java.util.Map;

/** {@code POST /{phone-number-id}/messages}; failures are {@link io.wabridge.core.meta.MetaApiException}s. */
public interface MetaMessages {

    /**
     * Meta took the send: its wamid, and the {@code message_status} Meta gave it in the answer, if any ({@code accepted},
     * {@code held_for_quality_assessment} or {@code paused}; Meta's OpenAPI, schema {@code MessageStatus}).
     */
    record Accepted(String wamid, String messageStatus) {
        public static Accepted of(String wamid) {
            return new Accepted(wamid, null);
        }
    }

    /** Sends Meta's message object; Meta's answer names the wamid. */
    Accepted send(String token, String phoneNumberId, Map<String, Object> message);
}
