package io.wabridge.core.send;

import java.util.Map;

/** {@code POST /{phone-number-id}/messages}; failures are {@link io.wabridge.core.meta.MetaApiException}s. */
public interface MetaMessages {

    /** Sends Meta's message object and returns the wamid. */
    String send(String token, String phoneNumberId, Map<String, Object> message);
}
