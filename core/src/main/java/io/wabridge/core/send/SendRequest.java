package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import java.util.Map;

/**
 * One message the SaaS asks to send: the channel (phone number id), the recipient (wa_id or BSUID), the
 * WhatsApp type and that type's object as Meta defines it (e.g. {@code {"body": "..."}} for text), an
 * optional reply-to wamid, and the caller's idempotency key (may be null).
 */
public record SendRequest(TenantId tenant, String phoneNumberId, String to, String type, Map<String, Object> content,
                          String replyTo, String idempotencyKey) {

    /** Logs name the channel and type only: never the recipient or the content. */
    @Override
    public String toString() {
        return "SendRequest[" + tenant + ", " + phoneNumberId + ", " + type + "]";
    }
}
