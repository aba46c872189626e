package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.util.List;
import java.util.Optional;

/** Where channels are kept, per tenant. */
public interface Channels {

    Optional<Channel> get(TenantId tenant, String phoneNumberId);

    void save(Channel channel);

    /** A page of the tenant's channels; {@code cursor} null starts over. */
    Page list(TenantId tenant, int limit, String cursor);

    record Page(List<Channel> items, String nextCursor) {}

    /** Every channel of the tenant, page after page. */
    default List<Channel> all(TenantId tenant) {
        List<Channel> out = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Page page = list(tenant, 100, cursor);
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
