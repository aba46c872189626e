package io.wabridge.adapters.aws;

import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenCipher;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/**
 * Envelope encryption with KMS: a fresh AES-256 data key per secret from {@code GenerateDataKey}, the
 * secret sealed locally with AES-256-GCM (12-byte nonce, 128-bit tag), and the secret's context used
 * both as the KMS encryption context and as the GCM additional data. Only this class sees plaintext
 * data keys, and it wipes them after use.
 */
public final class KmsEnvelopeTokenCipher implements TokenCipher {


    private final KmsClient kms;
    private final String keyId;

    public KmsEnvelopeTokenCipher(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public EncryptedSecret encrypt(SecretContext context, SecretValue plaintext) {
        GenerateDataKeyResponse dataKey = call(() -> kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(context.asMap())));
        byte[] key = dataKey.plaintext().asByteArray();
        byte[] secret = plaintext.revealBytes();
        try {
            byte[] nonce = new byte[12];
            io.wabridge.core.random.Entropy.secureRandom().nextBytes(nonce);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(context.canonicalBytes());
            return new EncryptedSecret(EncryptedSecret.CURRENT_VERSION, dataKey.keyId(),
                    dataKey.ciphertextBlob().asByteArray(), nonce, gcm.doFinal(secret));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public SecretValue decrypt(SecretContext context, EncryptedSecret secret) {
        if (secret.formatVersion() != EncryptedSecret.CURRENT_VERSION) {
            throw new SecretUnreadable(Reason.UNKNOWN_FORMAT, "unknown secret format version " + secret.formatVersion());
        }
        DecryptResponse dataKey = call(() -> kms.decrypt(r -> r.keyId(secret.keyId())
                .ciphertextBlob(SdkBytes.fromByteArray(secret.encryptedDataKey())).encryptionContext(context.asMap())));
        byte[] key = dataKey.plaintext().asByteArray();
        byte[] plain = null;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, secret.nonce()));
            gcm.updateAAD(context.canonicalBytes());
            plain = gcm.doFinal(secret.ciphertext());
            return SecretValue.ofBytes(plain);
        } catch (AEADBadTagException e) {
            throw new SecretUnreadable(Reason.WRONG_CONTEXT_OR_TAMPERED, "secret ciphertext failed authentication");
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadable(Reason.WRONG_CONTEXT_OR_TAMPERED, "secret could not be decrypted");
        } finally {
            Arrays.fill(key, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /**
     * KMS {@code ReEncrypt}: the data key is decrypted and encrypted again under {@code targetKeyId} inside KMS,
     * with the same encryption context; the nonce and sealed secret are kept, so the record's format is unchanged.
     */
    @Override
    public EncryptedSecret rewrap(SecretContext context, EncryptedSecret secret, String targetKeyId) {
        if (secret.formatVersion() != EncryptedSecret.CURRENT_VERSION) {
            throw new SecretUnreadable(Reason.UNKNOWN_FORMAT, "unknown secret format version " + secret.formatVersion());
        }
        ReEncryptResponse wrapped = call(() -> kms.reEncrypt(r -> r.sourceKeyId(secret.keyId())
                .ciphertextBlob(SdkBytes.fromByteArray(secret.encryptedDataKey())).sourceEncryptionContext(context.asMap())
                .destinationKeyId(targetKeyId).destinationEncryptionContext(context.asMap())));
        return new EncryptedSecret(secret.formatVersion(), wrapped.keyId(), wrapped.ciphertextBlob().asByteArray(), secret.nonce(),
                secret.ciphertext());
    }

    private static <T> T call(java.util.function.Supplier<T> kmsCall) {
        try {
            return kmsCall.get();
        } catch (InvalidCiphertextException e) {
            throw new SecretUnreadable(Reason.WRONG_CONTEXT_OR_TAMPERED, "KMS refused the data key (wrong context or tampered)");
        } catch (KmsException e) {
            int status = e.statusCode();
            Reason reason = status == 429 || status >= 500 || "ThrottlingException".equals(e.awsErrorDetails().errorCode())
                    ? Reason.KEY_SERVICE_UNAVAILABLE : Reason.KEY_REFUSED;
            throw new SecretUnreadable(reason, "KMS " + e.awsErrorDetails().errorCode());
        } catch (SdkClientException e) {
            throw new SecretUnreadable(Reason.KEY_SERVICE_UNAVAILABLE, "KMS unreachable");
        }
    }
}
