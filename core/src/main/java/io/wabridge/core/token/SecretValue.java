package io.wabridge.core.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A plaintext secret (a business token, a PIN) in memory. It never shows itself: {@link #toString()} is
 * masked, and it is not a record, so no generated method prints it. Callers read it with
 * {@link #reveal()} only where it is used (an Authorization header, a register call).
 */
public final class SecretValue {

    private final byte[] bytes;

    private SecretValue(byte[] bytes) {
        this.bytes = bytes;
    }

    public static SecretValue of(String plaintext) {
        if (plaintext == null || plaintext.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new SecretValue(plaintext.getBytes(StandardCharsets.UTF_8));
    }

    public static SecretValue ofBytes(byte[] plaintext) {
        if (plaintext == null || plaintext.length == 0) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new SecretValue(plaintext.clone());
    }

    public String reveal() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] revealBytes() {
        return bytes.clone();
    }

    /** Constant-time comparison. */
    public boolean matches(SecretValue other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue other && matches(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SecretValue[***]";
    }
}
