package io.wabridge.core.token;

import java.util.List;
import java.util.Optional;

/** Where envelope-encrypted secrets are kept, one per {@link SecretContext}. */
public interface SecretStore {

    void put(SecretContext context, EncryptedSecret secret);

    Optional<EncryptedSecret> get(SecretContext context);

    /** Removes the secret (a disconnected channel's token and PIN); no-op if there is none. */
    void delete(SecretContext context);

    /**
     * Replaces {@code expected} by {@code replacement} only if the stored secret is still {@code expected}.
     *
     * @return false if it changed in the meantime (left as it is)
     */
    boolean replace(SecretContext context, EncryptedSecret expected, EncryptedSecret replacement);

    /** One page of stored secrets whose key id is not {@code keyId}; {@code cursor} null starts over. */
    Page notUnderKey(String keyId, String cursor, int limit);

    /** A stored secret and its context. */
    record Stored(SecretContext context, EncryptedSecret secret) {}

    /** A page; {@code nextCursor} is null on the last one. */
    record Page(List<Stored> items, String nextCursor) {}
}
