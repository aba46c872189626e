package io.wabridge.core.consent;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed, single-use, expiring opt-in links: {@code v1.<nonce>.<expiry, epoch s>.<HMAC-SHA256 hex>}. The
 * link names only a random nonce; what it is for (tenant, contact, scope, notification) is kept under the
 * nonce, so the URL carries no phone number. Confirming records an opt-in (or opt-out) with the link as
 * proof and uses the link up; a forged, expired or used link records nothing.
 */
public final class OptInLinks {

    /** What a link is for; {@code usedAt} set once it has been used. */
    public record Link(String nonce, TenantId tenant, String contact, ConsentEvent.Scope scope, String notificationId, Instant expiresAt,
                       Instant usedAt) {}

    public interface Store {
        void save(Link link);

        Optional<Link> get(String nonce);

        /** Marks the link used; false if it already was. */
        boolean use(String nonce, Instant at);
    }

    /** Why a link cannot be used: {@code invalid} (forged or unknown), {@code expired} or {@code used}. */
    public static final class Refused extends RuntimeException {
        private final String reason;

        public Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }


    private final WebhookSignature mac;
    private final Store store;
    private final ConsentLedger ledger;
    private final Clock clock;

    /** @param key at least 32 bytes; only the holder of the key can make a link */
    public OptInLinks(byte[] key, Store store, ConsentLedger ledger, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the link signing key must have at least 32 bytes");
        }
        this.mac = new WebhookSignature(key);
        this.store = Objects.requireNonNull(store);
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
    }

    /** A new link (the token to put after {@code /optin/}). */
    public String issue(TenantId tenant, String contact, ConsentEvent.Scope scope, String notificationId, Duration ttl) {
        byte[] bytes = new byte[16];
        io.wabridge.core.random.Entropy.secureRandom().nextBytes(bytes);
        String nonce = HexFormat.of().formatHex(bytes);
        Instant expiresAt = clock.instant().plus(ttl);
        store.save(new Link(nonce, tenant, contact, scope, notificationId, expiresAt, null));
        String payload = "v1." + nonce + "." + expiresAt.getEpochSecond();
        return payload + "." + sign(payload);
    }

    /** The link's purpose, if it can still be used. */
    public Link open(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 4 || !parts[0].equals("v1") || !mac.isValid("sha256=" + parts[3], bytes(parts[0] + "." + parts[1] + "." + parts[2]))) {
            throw new Refused("invalid", "This link is not valid.");
        }
        if (!clock.instant().isBefore(Instant.ofEpochSecond(Long.parseLong(parts[2])))) {
            throw new Refused("expired", "This link has expired.");
        }
        Link link = store.get(parts[1]).orElseThrow(() -> new Refused("invalid", "This link is not valid."));
        if (link.usedAt() != null) {
            throw new Refused("used", "This link has already been used.");
        }
        return link;
    }

    /** Records the person's answer (opt-in or opt-out) once; the link cannot be used again. */
    public ConsentState confirm(String token, ConsentEvent.Action action, Map<String, String> proof) {
        Link link = open(token);
        Instant now = clock.instant();
        if (!store.use(link.nonce(), now)) {
            throw new Refused("used", "This link has already been used.");
        }
        Map<String, String> evidence = new java.util.HashMap<>(proof);
        evidence.put("link", link.nonce());
        if (link.notificationId() != null) {
            evidence.put("notificationId", link.notificationId());
        }
        ConsentEvent.Scope scope = action == ConsentEvent.Action.OPT_OUT ? ConsentEvent.Scope.ALL : link.scope();
        ConsentLedger.Change change = ledger.append(new ConsentEvent("link_" + link.nonce(), link.tenant(), link.contact(), action, scope,
                ConsentEvent.Source.OPT_IN_LINK, now, evidence, "wabridge"));
        return change == null ? ledger.state(link.tenant(), link.contact()) : change.after();
    }

    private String sign(String payload) {
        return mac.sign(bytes(payload)).substring("sha256=".length());
    }

    private static byte[] bytes(String payload) {
        return ("optin." + payload).getBytes(StandardCharsets.UTF_8);
    }
}
