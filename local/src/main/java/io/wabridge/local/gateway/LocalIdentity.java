package io.wabridge.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A local OpenID issuer standing in for the SaaS's identity provider: an RSA key kept in the data folder,
 * {@code /.well-known/openid-configuration} and a JWKS served by the gateway, and RS256 tokens minted for
 * a tenant. The gateway's authorizer checks these tokens exactly as it would a real issuer's.
 */
public final class LocalIdentity {

    public static final String PATH = "/.local/idp";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final String kid;
    private final RSAPrivateKey privateKey;
    private final RSAPublicKey publicKey;

    private LocalIdentity(String kid, RSAPrivateKey privateKey, RSAPublicKey publicKey) {
        this.kid = kid;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Loads the signing key from {@code file}, creating it on first use. */
    public static LocalIdentity loadOrCreate(Path file) throws IOException, GeneralSecurityException {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        if (file != null && Files.exists(file)) {
            JsonNode stored = JSON.readTree(file.toFile());
            return new LocalIdentity(stored.path("kid").asText(),
                    (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(stored.path("privateKey").asText()))),
                    (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(stored.path("publicKey").asText()))));
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        LocalIdentity identity = new LocalIdentity(UUID.randomUUID().toString(), (RSAPrivateKey) pair.getPrivate(),
                (RSAPublicKey) pair.getPublic());
        if (file != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), Map.of("kid", identity.kid,
                    "privateKey", Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    "publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())));
        }
        return identity;
    }

    /** The issuer URL when the gateway listens on {@code port}. */
    public static String issuer(int port) {
        return "http://127.0.0.1:" + port + PATH;
    }

    /** An RS256 token for {@code tenant}, valid for {@code ttl}. */
    public String mint(String issuer, String audience, String tenantClaim, String tenant, Duration ttl) {
        return mint(issuer, audience, tenantClaim, tenant, ttl, Map.of());
    }

    /** An RS256 token for {@code tenant} with more claims (e.g. the tenant's plan), valid for {@code ttl}. */
    public String mint(String issuer, String audience, String tenantClaim, String tenant, Duration ttl, Map<String, String> extraClaims) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", "local-user@" + tenant);
        claims.put(tenantClaim, tenant);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.putAll(extraClaims);
        return sign(Map.of("alg", "RS256", "typ", "JWT", "kid", kid), claims);
    }

    /** Signs arbitrary header and claims (tests use it to forge bad tokens too). */
    public String sign(Map<String, Object> header, Map<String, Object> claims) {
        try {
            String signingInput = B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signature.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    public String kid() {
        return kid;
    }

    /** {@code /.well-known/openid-configuration} for {@code issuer}. */
    public Map<String, Object> openIdConfiguration(String issuer) {
        return Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks.json",
                "id_token_signing_alg_values_supported", List.of("RS256"));
    }

    public Map<String, Object> jwks() {
        return Map.of("keys", List.of(Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", kid,
                "n", B64URL.encodeToString(unsigned(publicKey.getModulus())),
                "e", B64URL.encodeToString(unsigned(publicKey.getPublicExponent())))));
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
