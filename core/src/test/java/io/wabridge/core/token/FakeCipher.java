package io.wabridge.core.token;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A test cipher: "encrypts" by tagging the plaintext with its context and key; checks both on decrypt. */
public final class FakeCipher implements TokenCipher {
    final String keyId;
    final AtomicInteger decrypts = new AtomicInteger();
    final AtomicInteger encrypts = new AtomicInteger();
    final AtomicInteger rewraps = new AtomicInteger();

    public FakeCipher(String keyId) {
        this.keyId = keyId;
    }

    @Override
    public EncryptedSecret encrypt(SecretContext context, SecretValue plaintext) {
        encrypts.incrementAndGet();
        return new EncryptedSecret(1, keyId, new byte[] {1}, context.canonicalBytes(),
                plaintext.reveal().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SecretValue decrypt(SecretContext context, EncryptedSecret secret) {
        decrypts.incrementAndGet();
        if (!java.util.Arrays.equals(secret.nonce(), context.canonicalBytes())) {
            throw new SecretUnreadable(Reason.WRONG_CONTEXT_OR_TAMPERED, "context mismatch");
        }
        return SecretValue.ofBytes(secret.ciphertext());
    }

    @Override
    public EncryptedSecret rewrap(SecretContext context, EncryptedSecret secret, String targetKeyId) {
        rewraps.incrementAndGet();
        if (!java.util.Arrays.equals(secret.nonce(), context.canonicalBytes())) {
            throw new SecretUnreadable(Reason.WRONG_CONTEXT_OR_TAMPERED, "context mismatch");
        }
        return new EncryptedSecret(secret.formatVersion(), targetKeyId, new byte[] {2}, secret.nonce(), secret.ciphertext());
    }
}
