package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.gateway.LocalIdentity;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JWT in front of every {@code /v1} route, probed as a hostile caller would: forged, tampered, {@code alg: none},
 * expired, foreign-issuer and audience-less tokens get the gateway's 401; a verified token whose tenant claim is not a
 * tenant id ({@code null}, {@code []}, {@code {}}, numbers, booleans, control characters, empty, too long) gets the
 * function's 403 with {@code WWW-Authenticate} saying why, so no two tokens without a real tenant share one.
 */
@EndToEnd
class JwtSecurityTest {

    static LocalRuntime runtime;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
    }


    static String issuer() {
        return LocalIdentity.issuer(runtime.baseUrl().getPort());
    }

    static Map<String, Object> claims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("aud", LocalRuntime.AUDIENCE);
        claims.put("sub", "probe");
        claims.put("tenant_id", "acme");
        claims.put("exp", Instant.now().getEpochSecond() + 300);
        return claims;
    }

    static String sign(Map<String, Object> claims) {
        return runtime.identity().sign(Map.of("alg", "RS256", "typ", "JWT", "kid", runtime.identity().kid()), claims);
    }

    static String with(String claim, Object value) {
        Map<String, Object> claims = claims();
        claims.put(claim, value);
        return sign(claims);
    }

    static String without(String claim) {
        Map<String, Object> claims = claims();
        claims.remove(claim);
        return sign(claims);
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> whoami(String authorization) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(runtime.baseUrl() + "/v1/whoami")).GET();
        if (authorization != null) {
            b.header("authorization", authorization);
        }
        return Rig.send(b);
    }

    @Test
    void validTokensNameTheirTenant() throws Exception {
        HttpResponse<String> ok = whoami("Bearer " + runtime.token("acme", Duration.ofMinutes(5)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Rig.json(ok).path("tenantId").asText()).isEqualTo("acme");
        // The identity source is the Authorization header with or without "Bearer ", as API Gateway takes it.
        assertThat(Rig.json(whoami(runtime.token("toko-maju", Duration.ofMinutes(5)))).path("tenantId").asText()).isEqualTo("toko-maju");
        String longest = "t" + "x".repeat(63);
        assertThat(Rig.json(whoami("Bearer " + with("tenant_id", longest))).path("tenantId").asText()).isEqualTo(longest);
        assertThat(Rig.json(whoami("Bearer " + with("tenant_id", "org:42.team_a-b"))).path("tenantId").asText()).isEqualTo("org:42.team_a-b");
    }

    static Stream<Arguments> refusedByTheAuthorizer() throws Exception {
        String good = runtime.token("acme", Duration.ofMinutes(5));
        String[] parts = good.split("\\.");
        Map<String, Object> victim = claims();
        victim.put("tenant_id", "victim");
        String tampered = parts[0] + "." + b64(Rig.JSON.writeValueAsString(victim)) + "." + parts[2];
        String algNone = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(Rig.JSON.writeValueAsString(victim)) + ".";
        String algHs256 = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + runtime.identity().kid() + "\"}") + "."
                + b64(Rig.JSON.writeValueAsString(victim)) + "." + parts[2];
        LocalIdentity stranger = LocalIdentity.loadOrCreate(null);
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("no token", null));
        cases.add(Arguments.of("not a JWT", "Bearer not.a.jwt"));
        cases.add(Arguments.of("garbage", "Bearer " + "%%%.%%%.%%%"));
        cases.add(Arguments.of("tampered payload", "Bearer " + tampered));
        cases.add(Arguments.of("alg none", "Bearer " + algNone));
        cases.add(Arguments.of("alg HS256 with the RSA signature", "Bearer " + algHs256));
        cases.add(Arguments.of("another issuer's key", "Bearer " + stranger.mint(issuer(), LocalRuntime.AUDIENCE, "tenant_id", "acme", Duration.ofMinutes(5))));
        cases.add(Arguments.of("expired", "Bearer " + runtime.token("acme", Duration.ofSeconds(-5))));
        cases.add(Arguments.of("not yet valid", "Bearer " + with("nbf", Instant.now().getEpochSecond() + 600)));
        cases.add(Arguments.of("wrong issuer", "Bearer " + with("iss", "https://evil.example/")));
        cases.add(Arguments.of("wrong audience", "Bearer " + with("aud", "someone-else")));
        cases.add(Arguments.of("audience null", "Bearer " + with("aud", null)));
        cases.add(Arguments.of("no aud", "Bearer " + without("aud")));
        cases.add(Arguments.of("no iss", "Bearer " + without("iss")));
        cases.add(Arguments.of("no exp", "Bearer " + without("exp")));
        cases.add(Arguments.of("header is not an object", "Bearer " + b64("[]") + "." + parts[1] + "." + parts[2]));
        cases.add(Arguments.of("claims are not an object", "Bearer " + parts[0] + "." + b64("null") + "." + parts[2]));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheAuthorizer")
    void theGatewayRefusesTokensThatAreNotValid(String label, String authorization) throws Exception {
        HttpResponse<String> r = whoami(authorization);
        assertThat(r.statusCode()).as(label + ": " + r.body()).isEqualTo(401);
        assertThat(Rig.json(r).path("message").asText()).isEqualTo("Unauthorized");
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void aTokenWithoutAudSaysSoInsteadOfCrashing() throws Exception {
        HttpResponse<String> r = whoami("Bearer " + without("aud"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("no aud"));
    }

    static Stream<Arguments> badTenantClaims() {
        Map<String, Object> object = Map.of("id", "acme");
        return Stream.of(
                Arguments.of("missing", null, true),
                Arguments.of("null", null, false),
                Arguments.of("empty array", List.of(), false),
                Arguments.of("array", List.of("acme"), false),
                Arguments.of("empty object", Map.of(), false),
                Arguments.of("object", object, false),
                Arguments.of("number", 42, false),
                Arguments.of("negative number", -1, false),
                Arguments.of("true", true, false),
                Arguments.of("false", false, false),
                Arguments.of("empty string", "", false),
                Arguments.of("blank string", "   ", false),
                Arguments.of("the word null", "null", false),
                Arguments.of("NUL character", "acme\u0000", false),
                Arguments.of("newline", "acme\nglobex", false),
                Arguments.of("escape character", "acme\u001b[2J", false),
                Arguments.of("key separator", "acme#CHANNEL", false),
                Arguments.of("space", "acme corp", false),
                Arguments.of("non-ASCII", "acmé", false),
                Arguments.of("65 characters", "t" + "x".repeat(64), false),
                Arguments.of("starts with a digit", "42acme", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTenantClaims")
    void aVerifiedTokenWhoseTenantClaimIsNotATenantIdIsRefused403(String label, Object value, boolean absent) throws Exception {
        String token = absent ? without("tenant_id") : with("tenant_id", value);
        HttpResponse<String> r = whoami("Bearer " + token);
        assertThat(r.statusCode()).as(label + ": " + r.body()).isEqualTo(403);
        assertThat(Rig.json(r).path("error").path("code").asText()).isIn("tenant_claim_missing", "tenant_claim_invalid");
        assertThat(r.headers().firstValue("www-authenticate")).as(label).hasValueSatisfying(v ->
                assertThat(v).contains("error=\"invalid_token\"").contains("tenant_id"));
    }

    @Test
    void everyJwtRouteRefusesABadTenantClaimBeforeItRuns() throws Exception {
        for (String path : List.of("/v1/channels", "/v1/usage", "/v1/tenant/settings")) {
            HttpResponse<String> r = Rig.call(runtime, "GET", path, with("tenant_id", null), null);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
        }
        HttpResponse<String> signup = Rig.call(runtime, "POST", "/v1/signup/sessions", with("tenant_id", List.of()), Map.of());
        assertThat(signup.statusCode()).as(signup.body()).isEqualTo(403);
    }
}
