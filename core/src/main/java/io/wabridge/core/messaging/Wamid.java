package io.wabridge.core.messaging;

/** WhatsApp message id ({@code wamid.…}) as Meta assigns it. */
public record Wamid(String value) {
    public Wamid {
        if (value == null || value.isBlank() || value.length() > 256) {
            throw new IllegalArgumentException("wamid must be 1-256 characters");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
