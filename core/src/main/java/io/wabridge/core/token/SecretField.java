package io.wabridge.core.token;

/** Which secret of a tenant's channel a ciphertext holds; part of its encryption context. */
public enum SecretField {
    BUSINESS_TOKEN("business_token"),
    REGISTRATION_PIN("registration_pin"),
    HOOK_SIGNING_SECRET("hook_signing_secret");

    private final String wireName;

    SecretField(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the encryption context and storage keys. */
    public String wireName() {
        return wireName;
    }

    public static SecretField fromWireName(String name) {
        for (SecretField f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown secret field " + name);
    }
}
