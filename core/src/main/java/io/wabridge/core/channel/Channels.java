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
}
