package io.wabridge.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Meta's {@code X-Hub-Signature-256} header: {@code sha256=} followed by the lower-case hex
 * HMAC-SHA256 of the raw request body, keyed with the app secret.
 *
 * <p>The comparison is constant time and works on the bytes exactly as received, never on
 * re-serialised JSON. The secret never appears in {@link #toString()}.
 */
public final class WebhookSignature {

    private static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(byte[] appSecret) {
        Objects.requireNonNull(appSecret, "appSecret");
        if (appSecret.length == 0) {
            throw new IllegalArgumentException("app secret must not be empty");
        }
        this.key = new SecretKeySpec(appSecret.clone(), ALGORITHM);
    }

    /** True only if {@code header} is a well-formed signature of {@code rawBody}. */
    public boolean isValid(String header, byte[] rawBody) {
        if (header == null || rawBody == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] received;
        try {
            received = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim().toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(rawBody), received);
    }

    /** The header value Meta would send for {@code rawBody}. */
    public String sign(byte[] rawBody) {
        return PREFIX + HexFormat.of().formatHex(hmac(rawBody));
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Convenience for callers that hold the secret as text. */
    public static WebhookSignature withSecret(String appSecret) {
        return new WebhookSignature(appSecret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "WebhookSignature[secret=***]";
    }
}
