package io.wabridge.core.inbound;

/**
 * A WhatsApp user as a webhook names them: phone-based {@code wa_id} (may be withheld since 2026) and the
 * business-scoped {@code user_id} (BSUID), plus their profile name.
 */
public record Contact(String waId, String userId, String profileName) {
    public Contact {
        if ((waId == null || waId.isBlank()) && (userId == null || userId.isBlank())) {
            throw new IllegalArgumentException("a contact needs a wa_id or a user_id");
        }
    }

    /** Without the phone number or name: logs never carry them. */
    @Override
    public String toString() {
        return "Contact[" + (userId != null ? userId : "wa_id ***" + (waId.length() > 4 ? waId.substring(waId.length() - 4) : "")) + "]";
    }

    /** The key a contact is stored under: the BSUID when present, else the wa_id. */
    public String key() {
        return userId != null && !userId.isBlank() ? userId : waId;
    }
}
