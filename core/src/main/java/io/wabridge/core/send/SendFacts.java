package io.wabridge.core.send;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.WabaId;
import java.time.Instant;
import java.util.Optional;

/** What the send policy reads besides the consent ledger: the contact's window, and the template's state. */
public interface SendFacts {

    /** {@code lastInboundAt} null if the contact never wrote. */
    record ContactFacts(Instant lastInboundAt) {}

    /**
     * A synced template: its status and category, a recategorisation Meta announced (null when none), and its
     * parameters' {@code shape} (null when WaBridge has not seen its components: known only from a status webhook).
     */
    record TemplateFacts(String status, String category, String pendingCategory, Instant pendingCategoryAt, TemplateShape shape) {
        public TemplateFacts(String status, String category) {
            this(status, category, null, null, null);
        }

        /** The category Meta applies to a send at {@code now}: the announced one once it is due. */
        public String categoryAt(Instant now) {
            return pendingCategory != null && (pendingCategoryAt == null || !now.isBefore(pendingCategoryAt)) ? pendingCategory : category;
        }
    }

    Optional<ContactFacts> contact(TenantId tenant, String phoneNumberId, String to);

    Optional<TemplateFacts> template(TenantId tenant, WabaId wabaId, String name, String language);

    /** Whether the WABA's templates were ever listed from Meta in full (a sync), so a template missing here is unknown. */
    boolean templatesSynced(TenantId tenant, WabaId wabaId);
}
