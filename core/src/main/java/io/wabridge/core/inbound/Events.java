package io.wabridge.core.inbound;

import io.wabridge.core.inbound.DomainEvent.RawJson;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/** The domain events inbound updates raise, and their payloads. */
final class Events {

    private Events() {}

    /** Message content larger than this stays out of the event (EventBridge entries are at most 256 KB). */
    static final int MAX_INLINE_CONTENT_CHARS = 64 * 1024;

    static DomainEvent received(TenantId tenant, MessageReceived m) {
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("key", m.contact().key());
        putIfPresent(contact, "waId", m.contact().waId());
        putIfPresent(contact, "userId", m.contact().userId());
        putIfPresent(contact, "profileName", m.contact().profileName());
        Map<String, Object> detail = base(tenant, m.phoneNumberId().value());
        detail.put("wamid", m.wamid().value());
        detail.put("type", m.type());
        detail.put("timestamp", m.sentAt().toString());
        detail.put("contact", contact);
        putIfPresent(detail, "contextWamid", m.contextWamid());
        if (m.contentJson().length() <= MAX_INLINE_CONTENT_CHARS) {
            detail.put("message", new RawJson(m.contentJson()));
        } else {
            // An event must fit EventBridge's 256 KB: the SaaS reads a large message through the read API.
            detail.put("messageOmitted", true);
        }
        return new DomainEvent("message.received", tenant, "message.received#" + m.wamid().value(), detail);
    }

    static DomainEvent status(TenantId tenant, StatusChanged s, boolean advanced) {
        Map<String, Object> detail = base(tenant, s.phoneNumberId().value());
        detail.put("wamid", s.wamid().value());
        detail.put("status", s.status().wireName());
        detail.put("advanced", advanced);
        detail.put("timestamp", s.at().toString());
        putIfPresent(detail, "recipient", s.recipient());
        // Meta echoes biz_opaque_callback_data on every status: WaBridge's send id and the SaaS's value, or (for a message
        // sent outside WaBridge) the sender's value as it came.
        io.wabridge.core.messaging.CallbackData callback = io.wabridge.core.messaging.CallbackData.parse(s.callbackData());
        putIfPresent(detail, "messageId", callback.messageId());
        putIfPresent(detail, "bizOpaqueCallbackData", callback.tenantValue());
        if (s.errorsJson() != null) {
            detail.put("errors", new RawJson(s.errorsJson()));
        }
        if (s.pricingCategory() != null) {
            detail.put("pricing", Map.of("category", s.pricingCategory(), "type", s.pricingType() == null ? "" : s.pricingType()));
        }
        return new DomainEvent("message.status", tenant, "message.status#" + s.wamid().value() + "#" + s.status().wireName(), detail);
    }

    static DomainEvent account(TenantId tenant, WabaEvent e) {
        String type = switch (e.field()) {
            case "message_template_status_update", "message_template_quality_update", "message_template_components_update",
                    "template_category_update" -> "template.updated";
            case "user_preferences" -> "contact.preferences";
            default -> "channel.updated";
        };
        Map<String, Object> detail = base(tenant, e.phoneNumberId() == null ? null : e.phoneNumberId().value());
        detail.put("wabaId", e.wabaId());
        detail.put("field", e.field());
        detail.put("value", new RawJson(e.valueJson()));
        return new DomainEvent(type, tenant, type + "#" + e.eventKey(), detail);
    }

    private static Map<String, Object> base(TenantId tenant, String channel) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenant.value());
        putIfPresent(detail, "channel", channel);
        return detail;
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
