package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import java.util.Optional;

/** Finds a tenant's send by WaBridge's message id or by Meta's wamid. */
public interface Sends {

    Optional<OutboundMessage> get(TenantId tenant, String id);

    Optional<OutboundMessage> byWamid(TenantId tenant, String wamid);
}
