package io.wabridge.core.inbound;

/** A SaaS platform's customer. Comes from a verified JWT or a routing record, never from a request body. */
public record TenantId(String value) {
    public TenantId {
        if (value == null || value.isBlank() || value.length() > 128 || value.contains("#")) {
            throw new IllegalArgumentException("tenant id must be 1-128 characters without '#'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
