package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;

/**
 * One message the SaaS asks to send: the channel (phone number id), the recipient (wa_id or BSUID), what it
 * carries (its WhatsApp type's fields), an
 * optional reply-to wamid, the caller's idempotency key (may be null) and its {@code biz_opaque_callback_data}
 * (may be null), returned unchanged on every status of the message.
 */
public record SendRequest(TenantId tenant, String phoneNumberId, String to, OutboundContent content,
                          String replyTo, String idempotencyKey, String callbackData) {

    /** A send without the SaaS's {@code biz_opaque_callback_data}. */
    public SendRequest(TenantId tenant, String phoneNumberId, String to, OutboundContent content, String replyTo,
                       String idempotencyKey) {
        this(tenant, phoneNumberId, to, content, replyTo, idempotencyKey, null);
    }

    /** The WhatsApp type of what is sent. */
    public String type() {
        return content == null ? null : content.type();
    }

    /**
     * The request's fingerprint for its idempotency key: a SHA-256 over {@code route} and a canonical form of
     * what is sent (channel, recipient, type, content field by field with JSON objects' keys sorted, reply-to, callback
     * data), so the same JSON sent again, in any key order or spacing, matches, and any other request does not.
     */
    public String fingerprint(String route) {
        StringBuilder b = new StringBuilder();
        canonical(b, route);
        canonical(b, phoneNumberId);
        canonical(b, to);
        canonical(b, type());
        canonical(b, content);
        canonical(b, replyTo);
        canonical(b, callbackData);
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each value tagged by kind and length-prefixed, so no two different values encode alike. */
    private static void canonical(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append('n');
            case String s -> b.append('s').append(s.length()).append(':').append(s);
            case Boolean x -> b.append(x ? 't' : 'f');
            case Enum<?> x -> canonical(b, x.name());
            case Record r -> {
                // A typed value: its kind, then each component in declaration order.
                var components = r.getClass().getRecordComponents();
                b.append('<').append(r.getClass().getSimpleName()).append(':').append(components.length).append(':');
                for (var c : components) {
                    try {
                        canonical(b, c.getAccessor().invoke(r));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            case Number x -> {
                String s = x.toString();
                b.append('d').append(s.length()).append(':').append(s);
            }
            case java.util.Map<?, ?> m -> {
                b.append('{').append(m.size()).append(':');
                java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
                m.forEach((k, value) -> sorted.put(String.valueOf(k), value));
                sorted.forEach((k, value) -> {
                    canonical(b, k);
                    canonical(b, value);
                });
            }
            case java.util.List<?> l -> {
                b.append('[').append(l.size()).append(':');
                l.forEach(e -> canonical(b, e));
            }
            default -> canonical(b, v.toString());
        }
    }

    /** Logs name the channel and type only: never the recipient or the content. */
    @Override
    public String toString() {
        return "SendRequest[" + tenant + ", " + phoneNumberId + ", " + type() + "]";
    }
}
