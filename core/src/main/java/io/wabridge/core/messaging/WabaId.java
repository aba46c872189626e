package io.wabridge.core.messaging;

/** Meta's id of a WhatsApp Business Account (WABA). */
public record WabaId(String value) {
    public WabaId {
        if (value == null || value.isBlank() || value.length() > 64 || value.contains("#")) {
            throw new IllegalArgumentException("WABA id must be 1-64 characters without '#'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
