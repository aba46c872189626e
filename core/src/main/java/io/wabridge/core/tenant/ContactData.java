package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What WaBridge stores of one contact besides the consent ledger: messages, media, contact records, sends. */
public interface ContactData {

    /**
     * Everything stored of the contact on these channels, as a JSON-ready tree: {@code channels} (contact
     * record and messages with media references) and {@code sends}; empty lists when there is nothing.
     */
    Map<String, Object> export(TenantId tenant, String contact, List<String> phoneNumberIds);

    /** Deletes all of it, media and large-content objects included; returns how many records and objects went. */
    int erase(TenantId tenant, String contact, List<String> phoneNumberIds);

    /** Keeps an audit record (never the contact's number: {@code subject} is its pseudonym). */
    void audit(TenantId tenant, String action, String subject, String who, Map<String, Object> detail, Instant at);
}
