package io.wabridge.core.token;

import java.util.Objects;
import java.util.Optional;

/** Stores tenant secrets encrypted and hands them back decrypted, through the (caching) cipher. */
public final class TokenVault {

    private final TokenCipher cipher;
    private final SecretStore store;

    public TokenVault(TokenCipher cipher, SecretStore store) {
        this.cipher = Objects.requireNonNull(cipher);
        this.store = Objects.requireNonNull(store);
    }

    public void put(SecretContext context, SecretValue value) {
        store.put(context, cipher.encrypt(context, value));
    }

    /** Destroys the stored secret: nothing can reveal it afterwards. */
    public void destroy(SecretContext context) {
        store.delete(context);
    }

    /** The secret, or empty if none is stored; {@link TokenCipher.SecretUnreadable} if it cannot be decrypted. */
    public Optional<SecretValue> reveal(SecretContext context) {
        return store.get(context).map(secret -> cipher.decrypt(context, secret));
    }
}
