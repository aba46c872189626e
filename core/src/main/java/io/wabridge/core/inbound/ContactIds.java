package io.wabridge.core.inbound;

import java.time.Instant;
import java.util.Set;

/**
 * One person, many ids: the ids WhatsApp gives a tenant's contact (phone-based {@code wa_id}, business-scoped
 * {@code user_id} (BSUID), later a username, earlier numbers) linked to one contact key per tenant, so that
 * consent, the 24-hour window, handoff and history follow the person whichever id a webhook or a caller
 * uses. Links are written only from what Meta's webhooks show (two ids on one message, or a
 * {@code user_changed_number} system message), so a caller can never join two people.
 */
public interface ContactIds {

    /** How a link was learnt. */
    enum Source { WEBHOOK, USER_CHANGED_NUMBER }

    /**
     * The contact key of the person a webhook names, linking every id it carries to it (first sight of an id
     * records it as its own key). The key is that of an id already known, preferring the contact's
     * {@link Contact#key()}; for a new person it is {@link Contact#key()}.
     */
    String keyOf(TenantId tenant, Contact contact, Instant at);

    /** Links the person's new ids (a changed number, and the BSUID it brings) to the person {@code before} names. */
    void linkChangedNumber(TenantId tenant, Contact before, Contact now, Instant at);

    /** The contact key {@code id} is linked to, or {@code id} itself when it is linked to none. */
    String contactKey(TenantId tenant, String id);

    /** Every id of the person {@code id} names, its contact key first; just {@code id} when it is linked to none. */
    Set<String> idsOf(TenantId tenant, String id);

    /** No links (each id its own person): for callers that keep no identity, such as pure tests. */
    ContactIds NONE = new ContactIds() {
        @Override
        public String keyOf(TenantId tenant, Contact contact, Instant at) {
            return contact.key();
        }

        @Override
        public void linkChangedNumber(TenantId tenant, Contact before, Contact now, Instant at) {
        }

        @Override
        public String contactKey(TenantId tenant, String id) {
            return id;
        }

        @Override
        public Set<String> idsOf(TenantId tenant, String id) {
            return Set.of(id);
        }
    };
}
