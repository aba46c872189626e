package io.wabridge.core.consent;

import io.wabridge.core.inbound.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of a tenant's consent ledger: a contact opted in or out, of everything or of marketing, from
 * a source, at a time, with its proof (form id, IP address, the message's wamid...). Entries are never
 * changed; the contact's state is derived from them ({@link ConsentState}).
 *
 * @param id the entry's identity: the same id twice is one entry (imports and webhooks repeat)
 * @param recordedBy the JWT subject that recorded it, or {@code wabridge} for what WaBridge saw itself
 */
public record ConsentEvent(String id, TenantId tenant, String contact, Action action, Scope scope, Source source, Instant at,
                           Map<String, String> proof, String recordedBy) {

    public enum Action { OPT_IN, OPT_OUT }

    /** {@code ALL}: every business-initiated message; {@code MARKETING}: marketing templates only. */
    public enum Scope { ALL, MARKETING }

    public enum Source {
        SIGNUP_FORM, OPT_IN_LINK, INBOUND_KEYWORD, BUTTON, API, IMPORT, USER_PREFERENCES, META_131050, ERASURE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ConsentEvent {
        Objects.requireNonNull(id);
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(contact);
        Objects.requireNonNull(action);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(source);
        Objects.requireNonNull(at);
        proof = proof == null ? Map.of() : Map.copyOf(proof);
    }

    /** An entry whose id is derived from what it says, so recording the same fact again is a no-op. */
    public static ConsentEvent of(TenantId tenant, String contact, Action action, Scope scope, Source source, Instant at,
                                  Map<String, String> proof, String recordedBy) {
        String fact = String.join("|", contact, action.name(), scope.name(), source.name(), at.toString(),
                new TreeMap<>(proof == null ? Map.of() : proof).toString());
        return new ConsentEvent("c_" + sha256(fact).substring(0, 32), tenant, contact, action, scope, source, at, proof, recordedBy);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Without the contact: logs never carry a phone number. */
    @Override
    public String toString() {
        return "ConsentEvent[" + id + ", " + action + " " + scope + " via " + source + " at " + at + "]";
    }
}
