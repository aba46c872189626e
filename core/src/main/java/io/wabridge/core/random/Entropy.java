package io.wabridge.core.random;

import java.security.SecureRandom;

/**
 * The one {@link SecureRandom} the code draws nonces, PINs and CSRF values from. A Lambda SnapStart snapshot
 * is restored into many execution environments, so generator state created before the snapshot must not be
 * shared by them: the restore hook calls {@link #renew()}, and callers fetch the generator at each use
 * instead of keeping it in a field.
 */
public final class Entropy {

    private static volatile SecureRandom random = new SecureRandom();

    private Entropy() {}

    public static SecureRandom secureRandom() {
        return random;
    }

    /** Replaces the generator with a freshly seeded one (after a snapshot restore). */
    public static void renew() {
        random = new SecureRandom();
    }
}
