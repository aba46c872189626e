package io.wabridge.core.token;

/**
 * Envelope encryption of tenant secrets, bound to their {@link SecretContext}. A ciphertext decrypts only
 * under the context it was made with.
 */
public interface TokenCipher {

    EncryptedSecret encrypt(SecretContext context, SecretValue plaintext);

    /** Throws {@link SecretUnreadable} when the secret cannot be decrypted, never with plaintext in the message. */
    SecretValue decrypt(SecretContext context, EncryptedSecret secret);

    /**
     * The same secret with its data key wrapped under {@code targetKeyId} instead (key rotation): the data key
     * is re-encrypted inside the key service, so neither it nor the secret is ever in plaintext here, and the
     * sealed secret itself is unchanged. Throws {@link SecretUnreadable} as {@link #decrypt} does.
     */
    EncryptedSecret rewrap(SecretContext context, EncryptedSecret secret, String targetKeyId);

    /** Why a secret could not be read. */
    enum Reason {
        /** Tampered, or stored under another tenant, channel or field. Permanent. */
        WRONG_CONTEXT_OR_TAMPERED,
        /** A format version or shape this code does not know. Permanent. */
        UNKNOWN_FORMAT,
        /** The key service refused (key disabled, access denied). Permanent until fixed. */
        KEY_REFUSED,
        /** The key service could not be reached or throttled. Retry later. */
        KEY_SERVICE_UNAVAILABLE;

        public boolean retryable() {
            return this == KEY_SERVICE_UNAVAILABLE;
        }
    }

    /** A typed failure the caller maps (hold the send, mark the channel {@code needs_reauth}). */
    final class SecretUnreadable extends RuntimeException {
        private final Reason reason;

        public SecretUnreadable(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
