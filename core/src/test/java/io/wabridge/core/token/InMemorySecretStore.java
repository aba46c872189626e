package io.wabridge.core.token;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** In-memory fake of the store port. */
public final class InMemorySecretStore implements SecretStore {
    final TreeMap<String, Stored> items = new TreeMap<>();

    private static String key(SecretContext c) {
        return c.tenantId() + "/" + c.phoneNumberId() + "/" + c.field();
    }

    @Override
    public void put(SecretContext context, EncryptedSecret secret) {
        items.put(key(context), new Stored(context, secret));
    }

    @Override
    public void delete(SecretContext context) {
        items.remove(key(context));
    }

    @Override
    public Optional<EncryptedSecret> get(SecretContext context) {
        return Optional.ofNullable(items.get(key(context))).map(Stored::secret);
    }

    @Override
    public boolean replace(SecretContext context, EncryptedSecret expected, EncryptedSecret replacement) {
        Stored current = items.get(key(context));
        if (current == null || !current.secret().equals(expected)) {
            return false;
        }
        put(context, replacement);
        return true;
    }

    /** Like a table scan: the cursor is the last key seen, so replacing items does not shift pages. */
    @Override
    public Page notUnderKey(String keyId, String cursor, int limit) {
        List<Stored> page = new ArrayList<>();
        String last = null;
        for (var e : items.tailMap(cursor == null ? "" : cursor, cursor == null).entrySet()) {
            if (page.size() == limit) {
                return new Page(page, last);
            }
            last = e.getKey();
            if (!e.getValue().secret().keyId().equals(keyId)) {
                page.add(e.getValue());
            }
        }
        return new Page(page, null);
    }
}
