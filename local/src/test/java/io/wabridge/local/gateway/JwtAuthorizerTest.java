package io.wabridge.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authorizer against a real issuer over HTTP (OpenID configuration and JWKS served by the JDK's server from
 * {@link LocalIdentity}): the reason it gives for each refusal, which the gateway puts in {@code WWW-Authenticate}.
 */
class JwtAuthorizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUDIENCE = "wabridge-api";

    static HttpServer server;
    static LocalIdentity identity;
    static String issuer;
    static JwtAuthorizer authorizer;

    @BeforeAll
    static void start() throws Exception {
        identity = LocalIdentity.loadOrCreate(null);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + LocalIdentity.PATH;
        serve(LocalIdentity.PATH + "/.well-known/openid-configuration", identity.openIdConfiguration(issuer));
        serve(LocalIdentity.PATH + "/jwks.json", identity.jwks());
        server.start();
        authorizer = new JwtAuthorizer(issuer, List.of(AUDIENCE), Clock.systemUTC());
    }

    private static void serve(String path, Map<String, Object> body) {
        server.createContext(path, exchange -> {
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static Map<String, Object> claims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", AUDIENCE);
        claims.put("tenant_id", "acme");
        claims.put("exp", Instant.now().getEpochSecond() + 300);
        return claims;
    }

    private static String signed(Map<String, Object> claims) {
        return identity.sign(Map.of("alg", "RS256", "typ", "JWT", "kid", identity.kid()), claims);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(String token, String reason) {
        assertThatThrownBy(() -> authorizer.verify("Bearer " + token)).isInstanceOf(JwtAuthorizer.Rejected.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aMintedTokenPassesWithItsClaimsAsApiGatewayHandsThem() throws Exception {
        String token = identity.mint(issuer, AUDIENCE, "tenant_id", "acme", Duration.ofMinutes(5), Map.of("plan", "pro"));
        JwtAuthorizer.Verified verified = authorizer.verify("Bearer " + token);
        assertThat(verified.claims()).containsEntry("tenant_id", "acme").containsEntry("plan", "pro")
                .containsEntry("aud", AUDIENCE).containsEntry("iss", issuer).containsEntry("sub", "local-user@acme");
        assertThat(Long.parseLong(verified.claims().get("exp"))).isGreaterThan(Instant.now().getEpochSecond());

        Map<String, Object> claims = claims();
        claims.put("scope", "send read");
        claims.put("groups", List.of("a", "b"));
        claims.put("tenant_id", null);
        JwtAuthorizer.Verified other = authorizer.verify(signed(claims));
        assertThat(other.scopes()).containsExactly("send", "read");
        assertThat(other.claims()).containsEntry("groups", "[a b]").containsEntry("tenant_id", "null");
    }

    @Test
    void eachRefusalSaysWhy() throws Exception {
        String good = identity.mint(issuer, AUDIENCE, "tenant_id", "acme", Duration.ofMinutes(5));
        String[] parts = good.split("\\.");
        String victim = b64("{\"iss\":\"" + issuer + "\",\"aud\":\"" + AUDIENCE + "\",\"tenant_id\":\"victim\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + "}");
        assertThatThrownBy(() -> authorizer.verify(null)).hasMessageContaining("missing token");
        refused("not.a.jwt", "not a JWT");
        refused(parts[0] + "." + victim + "." + parts[2], "signature is invalid");
        refused(b64("{\"alg\":\"none\"}") + "." + victim + ".", "not signed");
        refused(b64("{\"alg\":\"HS256\",\"kid\":\"" + identity.kid() + "\"}") + "." + victim + "." + parts[2],
                "signing algorithm HS256 is not supported");
        refused(b64("{\"alg\":\"RS256\"}") + "." + victim + "." + parts[2], "no kid");
        refused(LocalIdentity.loadOrCreate(null).mint(issuer, AUDIENCE, "tenant_id", "acme", Duration.ofMinutes(5)),
                "signature is invalid");
        refused(identity.mint(issuer, AUDIENCE, "tenant_id", "acme", Duration.ofSeconds(-1)), "expired");

        Map<String, Object> c = claims();
        c.put("iss", "https://evil.example/");
        refused(signed(c), "issuer is not trusted");
        c = claims();
        c.put("aud", "someone-else");
        refused(signed(c), "audience is not allowed");
        c = claims();
        c.remove("aud");
        refused(signed(c), "no aud (or client_id)");
        c.put("client_id", AUDIENCE);
        assertThat(authorizer.verify(signed(c)).claims()).containsEntry("client_id", AUDIENCE);
        c = claims();
        c.remove("exp");
        refused(signed(c), "no expiry");
        c = claims();
        c.put("nbf", Instant.now().getEpochSecond() + 600);
        refused(signed(c), "not valid yet");
    }

    @Test
    void anIssuerThatCannotBeReachedIsARefusalNotACrash() {
        JwtAuthorizer unreachable = new JwtAuthorizer("http://127.0.0.1:1/nowhere", List.of(AUDIENCE), Clock.systemUTC());
        Map<String, Object> c = claims();
        c.put("iss", "http://127.0.0.1:1/nowhere");
        assertThatThrownBy(() -> unreachable.verify("Bearer " + signed(c))).isInstanceOf(JwtAuthorizer.Rejected.class)
                .hasMessageContaining("could not be fetched");
    }
}
