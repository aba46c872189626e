package io.wabridge.core.channel;

import io.wabridge.core.Refusal;
import io.wabridge.core.inbound.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed {@code state} of a signup session: {@code v1.<session id>.<tenant, base64url>.<expiry, epoch
 * seconds>.<HMAC-SHA256, base64url>}. It proves which tenant started the session and until when, so the
 * hosted setup page (opened without a JWT) can complete it; the session record makes it single-use.
 */
public final class SignupState {

    /** What a valid state names. */
    public record Claims(String sessionId, TenantId tenant, Instant expiresAt) {}

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;

    public SignupState(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the state signing key must have at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public String issue(Claims claims) {
        String payload = "v1." + claims.sessionId() + "." + B64.encodeToString(claims.tenant().value().getBytes(StandardCharsets.UTF_8))
                + "." + claims.expiresAt().getEpochSecond();
        return payload + "." + B64.encodeToString(mac(payload));
    }

    /** @throws SignupRejected 400 {@code state_invalid} or {@code state_expired} */
    public Claims verify(String state, Instant now) {
        String[] parts = state == null ? new String[0] : state.split("\\.");
        if (parts.length != 5 || !parts[0].equals("v1")) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_invalid", "state is not a signup state WaBridge issued");
        }
        String payload = String.join(".", parts[0], parts[1], parts[2], parts[3]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_invalid", "state is not a signup state WaBridge issued");
        }
        if (!MessageDigest.isEqual(mac(payload), given)) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_invalid", "state is not a signup state WaBridge issued");
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
        if (!now.isBefore(expiresAt)) {
            throw new SignupRejected(Refusal.Kind.INVALID, "state_expired", "the signup session expired; start a new one");
        }
        return new Claims(parts[1], new TenantId(new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8)), expiresAt);
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
