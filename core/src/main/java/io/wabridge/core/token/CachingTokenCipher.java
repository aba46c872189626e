package io.wabridge.core.token;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps decrypted secrets in memory for a short time so a warm function calls the key service at most
 * once per secret per {@code ttl}. Bounded: the least recently used entry goes first when
 * {@code maxEntries} is reached. Entries are keyed by context and ciphertext, so a re-encrypted or
 * refreshed secret is a new entry and a stale one is never served. Plaintext stays in this object only.
 */
public final class CachingTokenCipher implements TokenCipher {

    private record Key(SecretContext context, String ciphertext) {}

    private record Cached(SecretValue value, long expiresAtMillis) {}

    private final TokenCipher delegate;
    private final Clock clock;
    private final long ttlMillis;
    private final Map<Key, Cached> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public CachingTokenCipher(TokenCipher delegate, Duration ttl, int maxEntries, Clock clock) {
        if (maxEntries < 1 || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("cache needs a positive size and ttl");
        }
        this.delegate = delegate;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public EncryptedSecret encrypt(SecretContext context, SecretValue plaintext) {
        EncryptedSecret secret = delegate.encrypt(context, plaintext);
        synchronized (entries) {
            entries.put(new Key(context, secret.encode()), new Cached(plaintext, clock.millis() + ttlMillis));
        }
        return secret;
    }

    @Override
    public EncryptedSecret rewrap(SecretContext context, EncryptedSecret secret, String targetKeyId) {
        return delegate.rewrap(context, secret, targetKeyId);
    }

    @Override
    public SecretValue decrypt(SecretContext context, EncryptedSecret secret) {
        Key key = new Key(context, secret.encode());
        long now = clock.millis();
        synchronized (entries) {
            Cached entry = entries.get(key);
            if (entry != null && entry.expiresAtMillis() > now) {
                hits.incrementAndGet();
                return entry.value();
            }
        }
        misses.incrementAndGet();
        SecretValue value = delegate.decrypt(context, secret);
        synchronized (entries) {
            entries.put(key, new Cached(value, now + ttlMillis));
        }
        return value;
    }

    /** Drops every cached secret of a context (after a revocation or re-auth). */
    public void evict(SecretContext context) {
        synchronized (entries) {
            entries.keySet().removeIf(k -> k.context().equals(context));
        }
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    @Override
    public String toString() {
        return "CachingTokenCipher[entries=" + size() + ", hits=" + hits + ", misses=" + misses + "]";
    }
}
