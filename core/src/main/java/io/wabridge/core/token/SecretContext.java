package io.wabridge.core.token;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a secret belongs to. It is the KMS encryption context and the additional authenticated data of
 * the local AES-GCM layer, so a ciphertext decrypts only under the tenant, channel and field it was
 * made for. {@code phoneNumberId} is {@link #TENANT_WIDE} for secrets of the tenant as a whole.
 */
public record SecretContext(String tenantId, String phoneNumberId, SecretField field) {

    public static final String TENANT_WIDE = "tenant";

    public SecretContext {
        if (tenantId == null || tenantId.isBlank() || tenantId.contains("#")) {
            throw new IllegalArgumentException("tenantId must be non-blank and free of '#'");
        }
        if (phoneNumberId == null || !(phoneNumberId.equals(TENANT_WIDE) || phoneNumberId.matches("[0-9]{1,32}"))) {
            throw new IllegalArgumentException("phoneNumberId must be digits or '" + TENANT_WIDE + "'");
        }
        if (field == null) {
            throw new IllegalArgumentException("field is required");
        }
    }

    /** The encryption context, as KMS takes it. */
    public Map<String, String> asMap() {
        return new TreeMap<>(Map.of("tenantId", tenantId, "phoneNumberId", phoneNumberId, "field", field.wireName()));
    }

    /** A canonical byte form of the context (sorted, length-prefixed), used as AES-GCM additional data. */
    public byte[] canonicalBytes() {
        StringBuilder out = new StringBuilder();
        asMap().forEach((k, v) -> out.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
