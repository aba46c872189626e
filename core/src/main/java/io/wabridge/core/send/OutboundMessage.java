package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Instant;

/**
 * A send as WaBridge tracks it, in a {@link SendState}: {@code sent} with Meta's {@code wamid}, {@code failed} with
 * Meta's code. {@code metaStatus} is the
 * {@code message_status} Meta's answer gave a sent message (e.g. {@code held_for_quality_assessment}), or null.
 */
public record OutboundMessage(String id, TenantId tenant, PhoneNumberId phoneNumberId, String to, OutboundContent content,
                              String replyTo, SendState state, Wamid wamid, int attempts, Integer errorCode, String error,
                              Instant createdAt, Instant updatedAt, String callbackData, String metaStatus) {

    /** A send without the SaaS's {@code biz_opaque_callback_data}. */
    public OutboundMessage(String id, TenantId tenant, PhoneNumberId phoneNumberId, String to, OutboundContent content,
                           String replyTo, SendState state, Wamid wamid, int attempts, Integer errorCode, String error,
                           Instant createdAt, Instant updatedAt) {
        this(id, tenant, phoneNumberId, to, content, replyTo, state, wamid, attempts, errorCode, error, createdAt, updatedAt, null);
    }

    /** A send Meta has given no {@code message_status} (yet). */
    public OutboundMessage(String id, TenantId tenant, PhoneNumberId phoneNumberId, String to, OutboundContent content,
                           String replyTo, SendState state, Wamid wamid, int attempts, Integer errorCode, String error,
                           Instant createdAt, Instant updatedAt, String callbackData) {
        this(id, tenant, phoneNumberId, to, content, replyTo, state, wamid, attempts, errorCode, error, createdAt, updatedAt,
                callbackData, null);
    }

    public OutboundMessage with(SendState newState, Wamid newWamid, int newAttempts, Integer code, String message, Instant at) {
        return new OutboundMessage(id, tenant, phoneNumberId, to, content, replyTo, newState, newWamid, newAttempts, code, message,
                createdAt, at, callbackData, metaStatus);
    }

    /** Sent: Meta's answer gave it {@code wamid} and, maybe, a {@code message_status}. */
    public OutboundMessage sent(Wamid newWamid, int newAttempts, String newMetaStatus, Instant at) {
        return new OutboundMessage(id, tenant, phoneNumberId, to, content, replyTo, SendState.SENT, newWamid, newAttempts, null, null,
                createdAt, at, callbackData, newMetaStatus);
    }

    /** The WhatsApp type of what is sent. */
    public String type() {
        return content.type();
    }

    public boolean settled() {
        return state.settled();
    }

    @Override
    public String toString() {
        return "OutboundMessage[" + id + ", " + tenant + ", " + phoneNumberId + ", " + type() + ", " + state + "]";
    }
}
