package io.wabridge.core.inbound;

import java.util.Map;
import java.util.Objects;

/**
 * Something that happened for a tenant, for the SaaS to react to ({@code message.received},
 * {@code message.status}, {@code template.updated}, {@code channel.updated}, {@code contact.preferences}).
 *
 * @param key    unique per happening, so a retried update publishes it once
 * @param detail the payload; {@link RawJson} values are embedded as JSON
 */
public record DomainEvent(String type, TenantId tenant, String key, Map<String, Object> detail) {
    public DomainEvent {
        Objects.requireNonNull(type);
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(key);
        detail = Map.copyOf(detail);
    }

    /** JSON text to embed as it is (Meta's objects). */
    public record RawJson(String json) {
        @Override
        public String toString() {
            return "RawJson[" + (json == null ? 0 : json.length()) + " chars]";
        }
    }

    @Override
    public String toString() {
        return "DomainEvent[" + type + ", tenant " + tenant + ", " + key + "]";
    }
}
