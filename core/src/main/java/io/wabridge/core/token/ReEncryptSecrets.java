package io.wabridge.core.token;

import java.util.Objects;

/**
 * Moves every stored secret under a new key (key rotation): each secret's data key is re-wrapped under the
 * target key ({@link TokenCipher#rewrap}, KMS {@code ReEncrypt}), so no data key is created and no plaintext
 * leaves the key service; the sealed secret and its record format stay as they were. Resumable and idempotent:
 * each run picks up the secrets not yet under the target key, replaces each only if it did not change
 * meanwhile, and can stop after a budget and be run again. Old and new keys coexist during the move because
 * each record names its key.
 */
public final class ReEncryptSecrets {

    /** What one run did. {@code failed} secrets stay under their old key and are retried by the next run. */
    public record Result(int reEncrypted, int changedMeanwhile, int failed, boolean complete) {}

    private final SecretStore store;
    private final TokenCipher targetCipher;
    private final String targetKeyId;

    /**
     * @param targetCipher re-wraps any stored secret's data key under {@code targetKeyId}
     */
    public ReEncryptSecrets(SecretStore store, TokenCipher targetCipher, String targetKeyId) {
        this.store = Objects.requireNonNull(store);
        this.targetCipher = Objects.requireNonNull(targetCipher);
        this.targetKeyId = Objects.requireNonNull(targetKeyId);
    }

    public Result run(int maxSecrets, int pageSize) {
        int done = 0;
        int changed = 0;
        int failed = 0;
        String cursor = null;
        do {
            SecretStore.Page page = store.notUnderKey(targetKeyId, cursor, pageSize);
            for (SecretStore.Stored stored : page.items()) {
                if (done + changed + failed >= maxSecrets) {
                    return new Result(done, changed, failed, false);
                }
                try {
                    EncryptedSecret replacement = targetCipher.rewrap(stored.context(), stored.secret(), targetKeyId);
                    if (store.replace(stored.context(), stored.secret(), replacement)) {
                        done++;
                    } else {
                        changed++;
                    }
                } catch (TokenCipher.SecretUnreadable e) {
                    failed++;
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return new Result(done, changed, failed, failed == 0);
    }
}
