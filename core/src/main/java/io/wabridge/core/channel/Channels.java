package io.wabridge.core.channel;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where channels are kept, per tenant. */
public interface Channels {

    Optional<Channel> get(TenantId tenant, String phoneNumberId);

    void save(Channel channel);

    /**
     * Saves the channel only if the stored one was last updated at {@code expectedUpdatedAt} (nobody changed it
     * since it was read); false, and nothing written, otherwise.
     */
    boolean replace(Channel channel, Instant expectedUpdatedAt);

    /**
     * A page of the channels the health check looks after ({@link Channel#healthChecked()}), across all
     * tenants, whose {@link Channel#healthSlot()} is in {@code [fromSlot, toSlot)}; {@code cursor} null starts over.
     * Read from an index, so a page may lag the latest writes by a moment.
     */
    Page healthCheckable(int fromSlot, int toSlot, int limit, String cursor);

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
