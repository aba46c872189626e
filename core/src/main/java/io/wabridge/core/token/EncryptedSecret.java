package io.wabridge.core.token;

import java.util.Base64;
import java.util.Objects;

/**
 * An envelope-encrypted secret as stored: format version, the KMS key id that wrapped the data key,
 * the wrapped (encrypted) data key, the AES-GCM nonce and the ciphertext (with its tag). Safe to log:
 * {@link #toString()} shows the key id and sizes only.
 */
public record EncryptedSecret(int formatVersion, String keyId, byte[] encryptedDataKey, byte[] nonce, byte[] ciphertext) {

    public static final int CURRENT_VERSION = 1;

    public EncryptedSecret {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(encryptedDataKey, "encryptedDataKey");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(ciphertext, "ciphertext");
        encryptedDataKey = encryptedDataKey.clone();
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    /** One string for one table attribute: {@code v1.<keyId>.<edk>.<nonce>.<ciphertext>} (base64url). */
    public String encode() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "v" + formatVersion + "." + b64.encodeToString(keyId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + b64.encodeToString(encryptedDataKey) + "." + b64.encodeToString(nonce) + "." + b64.encodeToString(ciphertext);
    }

    /** Parses {@link #encode()}'s form; an unknown version or shape is a {@link TokenCipher.SecretUnreadable}. */
    public static EncryptedSecret decode(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\.", -1);
        if (parts.length != 5 || !parts[0].startsWith("v")) {
            throw new TokenCipher.SecretUnreadable(TokenCipher.Reason.UNKNOWN_FORMAT, "stored secret is not in a known format");
        }
        int version;
        try {
            version = Integer.parseInt(parts[0].substring(1));
        } catch (NumberFormatException e) {
            throw new TokenCipher.SecretUnreadable(TokenCipher.Reason.UNKNOWN_FORMAT, "stored secret has no format version");
        }
        if (version != CURRENT_VERSION) {
            throw new TokenCipher.SecretUnreadable(TokenCipher.Reason.UNKNOWN_FORMAT, "stored secret has unknown format version " + version);
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            return new EncryptedSecret(version, new String(b64.decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8),
                    b64.decode(parts[2]), b64.decode(parts[3]), b64.decode(parts[4]));
        } catch (IllegalArgumentException e) {
            throw new TokenCipher.SecretUnreadable(TokenCipher.Reason.UNKNOWN_FORMAT, "stored secret is not valid base64");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedSecret e && e.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    @Override
    public String toString() {
        return "EncryptedSecret[v" + formatVersion + ", keyId=" + keyId + ", ciphertext=" + ciphertext.length + " bytes]";
    }
}
