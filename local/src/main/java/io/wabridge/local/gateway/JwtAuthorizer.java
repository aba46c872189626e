package io.wabridge.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's JWT authorizer: takes the token from the identity source ({@code Authorization}, with
 * or without {@code Bearer }), fetches the issuer's JWKS through its OpenID configuration, and checks the
 * RSA signature, {@code iss}, {@code aud} (or {@code client_id}), {@code exp} and {@code nbf}. The
 * verified claims are handed to the function as strings, as API Gateway does.
 */
public final class JwtAuthorizer {

    /** Why a token was refused; the gateway answers 401. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** The verified token. */
    public record Verified(Map<String, String> claims, List<String> scopes) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JWKS_TTL = Duration.ofHours(2);

    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Map<String, PublicKey> keys = Map.of();
    private long keysFetchedAt;

    public JwtAuthorizer(String issuer, List<String> audiences, Clock clock) {
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
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
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Rejected("token is not a JWT");
        }
        JsonNode header = decode(parts[0]);
        JsonNode claims = decode(parts[1]);
        if (!header.isObject() || !claims.isObject()) {
            throw new Rejected("token is not a JWT");
        }
        String alg = header.path("alg").asText();
        String javaAlg = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "RS384" -> "SHA384withRSA";
            case "RS512" -> "SHA512withRSA";
            default -> throw new Rejected("signing algorithm " + alg + " is not supported");
        };
        PublicKey key = key(header.path("kid").asText(null));
        try {
            Signature signature = Signature.getInstance(javaAlg);
            signature.initVerify(key);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new Rejected("signature is invalid");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Rejected("signature is invalid");
        }
        if (!issuer.equals(claims.path("iss").asText())) {
            throw new Rejected("the token issuer is not trusted");
        }
        if (!audienceMatches(claims)) {
            throw new Rejected(claims.has("aud") || claims.has("client_id") ? "the token audience is not allowed"
                    : "the token has no aud (or client_id) claim");
        }
        long now = clock.instant().getEpochSecond();
        if (!claims.path("exp").canConvertToLong()) {
            throw new Rejected("the token has no expiry");
        }
        if (claims.path("exp").asLong() <= now) {
            throw new Rejected("the token has expired");
        }
        if (claims.has("nbf") && claims.path("nbf").asLong() > now) {
            throw new Rejected("the token is not valid yet");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        claims.fields().forEachRemaining(e -> flat.put(e.getKey(), flatten(e.getValue())));
        List<String> scopes = new ArrayList<>();
        String scope = claims.has("scope") ? claims.path("scope").asText() : claims.path("scp").asText("");
        for (String s : scope.split(" ")) {
            if (!s.isBlank()) {
                scopes.add(s);
            }
        }
        return new Verified(flat, scopes);
    }

    private boolean audienceMatches(JsonNode claims) {
        JsonNode aud = claims.get("aud");
        if (aud == null) {
            // API Gateway checks client_id when a token has no aud; a token with neither is refused (never a crash).
            JsonNode clientId = claims.get("client_id");
            return clientId != null && clientId.isTextual() && audiences.contains(clientId.asText());
        }
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (audiences.contains(a.asText())) {
                    return true;
                }
            }
            return false;
        }
        return audiences.contains(aud.asText());
    }

    private static String flatten(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return "[" + String.join(" ", items) + "]";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private synchronized PublicKey key(String kid) throws Rejected {
        if (kid == null) {
            throw new Rejected("token has no kid");
        }
        boolean stale = clock.millis() - keysFetchedAt > JWKS_TTL.toMillis();
        if (stale || !keys.containsKey(kid)) {
            keys = fetchKeys();
            keysFetchedAt = clock.millis();
        }
        PublicKey key = keys.get(kid);
        if (key == null) {
            throw new Rejected("no key " + kid + " in the issuer's JWKS");
        }
        return key;
    }

    private Map<String, PublicKey> fetchKeys() throws Rejected {
        try {
            JsonNode config = get(URI.create(issuer.replaceAll("/$", "") + "/.well-known/openid-configuration"));
            JsonNode jwks = get(URI.create(config.path("jwks_uri").asText()));
            Map<String, PublicKey> out = new HashMap<>();
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            for (JsonNode k : jwks.path("keys")) {
                if ("RSA".equals(k.path("kty").asText())) {
                    out.put(k.path("kid").asText(), rsa.generatePublic(new RSAPublicKeySpec(
                            new BigInteger(1, Base64.getUrlDecoder().decode(k.path("n").asText())),
                            new BigInteger(1, Base64.getUrlDecoder().decode(k.path("e").asText())))));
                }
            }
            return out;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new Rejected("the issuer's keys could not be fetched");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Rejected("interrupted");
        }
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + uri);
        }
        return JSON.readTree(response.body());
    }

    private static JsonNode decode(String part) throws Rejected {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null) {
                throw new Rejected("token is not a JWT");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new Rejected("token is not a JWT");
        }
    }
}
