package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import java.util.Map;

/**
 * One message the SaaS asks to send: the channel (phone number id), the recipient (wa_id or BSUID), the
 * WhatsApp type and that type's object as Meta defines it (e.g. {@code {"body": "..."}} for text), an
 * optional reply-to wamid, the caller's idempotency key (may be null) and its {@code biz_opaque_callback_data}
 * (may be null), returned unchanged on every status of the message.
 */
public record SendRequest(TenantId tenant, String phoneNumberId, String to, String type, Map<String, Object> content,
                          String replyTo, String idempotencyKey, String callbackData) {

    /** A send without the SaaS's {@code biz_opaque_callback_data}. */
    public SendRequest(TenantId tenant, String phoneNumberId, String to, String type, Map<String, Object> content, String replyTo,
                       String idempotencyKey) {
        this(tenant, phoneNumberId, to, type, content, replyTo, idempotencyKey, null);
    }

    /** Logs name the channel and type only: never the recipient or the content. */
    @Override
    public String toString() {
        return "SendRequest[" + tenant + ", " + phoneNumberId + ", " + type + "]";
    }
}
