package io.wabridge.core.consent;

import io.wabridge.core.inbound.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A consent ledger in memory, for domain tests. */
public final class InMemoryConsentLedger implements ConsentLedger {

    private final Map<String, List<ConsentEvent>> entries = new HashMap<>();

    private static String key(TenantId t, String contact) {
        return t.value() + "|" + contact;
    }

    @Override
    public synchronized Change append(ConsentEvent e) {
        List<ConsentEvent> list = entries.computeIfAbsent(key(e.tenant(), e.contact()), k -> new ArrayList<>());
        if (list.stream().anyMatch(x -> x.id().equals(e.id()))) {
            return null;
        }
        ConsentState before = ConsentState.of(list);
        list.add(e);
        return new Change(before, ConsentState.of(list));
    }

    @Override
    public synchronized List<ConsentEvent> history(TenantId tenant, String contact) {
        return entries.getOrDefault(key(tenant, contact), List.of()).stream().sorted(ConsentState.ORDER).toList();
    }

    @Override
    public synchronized ConsentState state(TenantId tenant, String contact) {
        List<ConsentEvent> own = entries.getOrDefault(key(tenant, contact), List.of());
        return ConsentState.of(own.isEmpty() ? entries.getOrDefault(key(tenant, ContactKey.pseudonym(tenant, contact)), List.of()) : own);
    }

    @Override
    public synchronized int forget(TenantId tenant, String contact) {
        List<ConsentEvent> gone = entries.remove(key(tenant, contact));
        return gone == null ? 0 : gone.size();
    }
}
