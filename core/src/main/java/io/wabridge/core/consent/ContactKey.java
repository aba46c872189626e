package io.wabridge.core.consent;

import io.wabridge.core.inbound.Contact;
import java.util.regex.Pattern;

/**
 * The key a tenant's consent is kept under: the phone number in international form without {@code +}
 * (WhatsApp's {@code wa_id}), or the business-scoped user id when a webhook withholds the number.
 */
public final class ContactKey {

    /** A {@code wa_id}: country code first, 7 to 15 digits, an optional {@code +}. */
    public static final Pattern WA_ID = Pattern.compile("\\+?[1-9][0-9]{6,14}");
    /** A business-scoped user id, e.g. {@code US.1234567890}. */
    public static final Pattern BSUID = Pattern.compile("[A-Z]{2}\\.[A-Za-z0-9]{6,64}");

    private ContactKey() {
    }

    /**
     * @param raw {@code +62 812-3456-7890}, {@code 6281234567890} or a BSUID
     * @throws IllegalArgumentException if it is neither a phone number in international form nor a BSUID
     */
    public static String of(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("a contact is required");
        }
        String trimmed = raw.trim();
        if (BSUID.matcher(trimmed).matches()) {
            return trimmed;
        }
        String digits = trimmed.replaceAll("[\\s().-]", "");
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        if (!WA_ID.matcher(digits).matches()) {
            throw new IllegalArgumentException("not a phone number in international form (country code first, 7 to 15 digits)");
        }
        return digits;
    }

    /**
     * The key an erased contact's opt-out is kept under: a SHA-256 of the tenant and the contact, so the
     * person is not messaged again while the ledger no longer names them.
     */
    public static String pseudonym(io.wabridge.core.inbound.TenantId tenant, String contact) {
        return "erased_" + ConsentEvent.sha256("wabridge-erasure|" + tenant.value() + "|" + contact).substring(0, 40);
    }

    /** The key of a contact a webhook named. */
    public static String of(Contact contact) {
        return contact.waId() != null && !contact.waId().isBlank() ? contact.waId() : contact.userId();
    }
}
