package io.wabridge.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
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
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject("local-user@" + tenant)
                .claim(tenantClaim, tenant)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        extraClaims.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(),
                claims.build());
        return signed(jwt);
    }

    /** Signs arbitrary header (an RS algorithm) and claims, nulls kept (tests use it to forge bad tokens too). */
    public String sign(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return signed(new JWSObject(JWSHeader.parse(header), new Payload(JSON.writeValueAsBytes(claims))));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    private String signed(JWSObject jws) {
        try {
            jws.sign(new RSASSASigner(privateKey));
            return jws.serialize();
        } catch (JOSEException e) {
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
        return new JWKSet(new RSAKey.Builder(publicKey).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID(kid).build())
                .toJSONObject();
    }
}
