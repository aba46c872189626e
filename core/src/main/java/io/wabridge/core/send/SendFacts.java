package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.Optional;

/** What the send policy reads besides the consent ledger: the contact's window, and the template's state. */
public interface SendFacts {

    /** {@code lastInboundAt} null if the contact never wrote. */
    record ContactFacts(Instant lastInboundAt) {}

    record TemplateFacts(String status, String category) {}

    Optional<ContactFacts> contact(TenantId tenant, String phoneNumberId, String to);

    Optional<TemplateFacts> template(TenantId tenant, String wabaId, String name, String language);
}
