package io.wabridge.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API's JWT authorizer: takes the token from the identity source ({@code Authorization}, with
 * or without {@code Bearer }), fetches the issuer's JWKS through its OpenID configuration, and checks the
 * RSA signature, {@code iss}, {@code aud} (or {@code client_id}), {@code exp} and {@code nbf}, with no
 * clock skew. The verified claims are handed to the function as strings, as API Gateway does.
 * The JWS and JWKS work is nimbus-jose-jwt's; the claim rules are API Gateway's.
 */
public final class JwtAuthorizer {

    /** Why a token was refused; the gateway answers 401. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            // The reason goes into a quoted WWW-Authenticate parameter.
            super(message.replace('"', '\''));
        }
    }

    /** The verified token. */
    public record Verified(Map<String, String> claims, List<String> scopes) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    private static final Duration JWKS_TTL = Duration.ofHours(2);
    private static final int HTTP_TIMEOUT_MILLIS = 5_000;

    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(HTTP_TIMEOUT_MILLIS)).build();
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private JWKSource<SecurityContext> keys;

    public JwtAuthorizer(String issuer, List<String> audiences, Clock clock) {
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
        // API Gateway does not look at the typ header; access tokens of real issuers often say at+jwt.
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, (selector, context) -> keys().get(selector, context)));
        processor.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims));
    }

    /** The verified claims, or {@link Rejected} saying why; any token, however malformed, gets one of the two. */
    public Verified verify(String authorizationHeader) throws Rejected {
        try {
            return check(authorizationHeader);
        } catch (RuntimeException e) {
            throw new Rejected("token is not a valid JWT");
        }
    }

    private Verified check(String authorizationHeader) throws Rejected {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new Rejected("missing token");
        }
        String token = authorizationHeader.trim();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).trim();
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new Rejected("token is not a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new Rejected("the token is not signed");
        }
        if (!ALGORITHMS.contains(signed.getHeader().getAlgorithm())) {
            throw new Rejected("signing algorithm " + signed.getHeader().getAlgorithm() + " is not supported");
        }
        if (signed.getHeader().getKeyID() == null) {
            throw new Rejected("token has no kid");
        }
        try {
            processor.process(signed, null);
        } catch (BadJWTException e) {
            throw new Rejected(e.getMessage());
        } catch (BadJOSEException e) {
            throw new Rejected("signature is invalid, or no key " + signed.getHeader().getKeyID() + " in the issuer's JWKS");
        } catch (KeySourceException e) {
            throw new Rejected("the issuer's keys could not be fetched");
        } catch (JOSEException e) {
            throw new Rejected("signature is invalid");
        }
        // The claims as the token has them (an aud string stays a string, exp a number), as API Gateway passes them.
        Map<String, Object> raw = signed.getPayload().toJSONObject();
        Map<String, String> flat = new LinkedHashMap<>();
        raw.forEach((name, value) -> flat.put(name, flatten(value)));
        List<String> scopes = new ArrayList<>();
        Object scope = raw.containsKey("scope") ? raw.get("scope") : raw.get("scp");
        for (String s : (scope instanceof String text ? text : "").split(" ")) {
            if (!s.isBlank()) {
                scopes.add(s);
            }
        }
        return new Verified(flat, scopes);
    }

    /** API Gateway's claim rules, after the signature checked: {@code iss}, {@code aud} or {@code client_id}, {@code exp}, {@code nbf}. */
    private void checkClaims(JWTClaimsSet claims) throws BadJWTException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("the token issuer is not trusted");
        }
        if (!audienceMatches(claims)) {
            boolean named = claims.getClaim("aud") != null || claims.getClaim("client_id") != null;
            throw new BadJWTException(named ? "the token audience is not allowed" : "the token has no aud (or client_id) claim");
        }
        Date now = Date.from(clock.instant());
        if (claims.getExpirationTime() == null) {
            throw new BadJWTException("the token has no expiry");
        }
        if (!claims.getExpirationTime().after(now)) {
            throw new BadJWTException("the token has expired");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            throw new BadJWTException("the token is not valid yet");
        }
    }

    private boolean audienceMatches(JWTClaimsSet claims) {
        if (claims.getClaim("aud") == null) {
            // API Gateway checks client_id when a token has no aud; a token with neither is refused (never a crash).
            return claims.getClaim("client_id") instanceof String clientId && audiences.contains(clientId);
        }
        return claims.getAudience().stream().anyMatch(audiences::contains);
    }

    private static String flatten(Object value) {
        if (value instanceof Collection<?> items) {
            List<String> texts = new ArrayList<>();
            items.forEach(v -> texts.add(String.valueOf(v)));
            return "[" + String.join(" ", texts) + "]";
        }
        if (value instanceof Map<?, ?> object) {
            try {
                return JSON.writeValueAsString(object);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.valueOf(value);
    }

    /** The issuer's JWKS, found through its OpenID configuration on first use; cached, and fetched again for an unknown kid. */
    private synchronized JWKSource<SecurityContext> keys() throws KeySourceException {
        if (keys == null) {
            try {
                JsonNode config = get(URI.create(issuer.replaceAll("/$", "") + "/.well-known/openid-configuration"));
                keys = JWKSourceBuilder.create(URI.create(config.path("jwks_uri").asText()).toURL(),
                                new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT))
                        .cache(JWKS_TTL.toMillis(), HTTP_TIMEOUT_MILLIS)
                        .build();
            } catch (IOException | IllegalArgumentException e) {
                throw new KeySourceException("the issuer's OpenID configuration could not be fetched", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KeySourceException("interrupted", e);
            }
        }
        return keys;
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(HTTP_TIMEOUT_MILLIS)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + uri);
        }
        return JSON.readTree(response.body());
    }
}
