package io.wabridge.core.messaging;

/** Meta's id of a business phone number (not the phone number itself). */
public record PhoneNumberId(String value) {
    public PhoneNumberId {
        if (value == null || !value.matches("[0-9]{1,32}")) {
            throw new IllegalArgumentException("phone number id must be 1-32 digits");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
