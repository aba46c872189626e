package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.sandbox.Faults;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenant administration through the local runtime and the Meta sandbox: template deletion and per-plan API rate limits. */
@EndToEnd(parameters = "ApiRateLimits=default=50,tiny=1:10,small=2:20,spiky=10:2") // its own rate limits
class TenantAdminEndToEndTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shopA;
    static SandboxState.Customer shopB;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        runtime = own;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shopA = SendEndToEndTest.connectFor(meta, "admin-a", "Toko A", "6281100007001");
        shopB = SendEndToEndTest.connectFor(meta, "admin-b", "Toko B", "6281100007002");
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
    }

    static HttpResponse<String> call(String method, String path, String tenant) throws Exception {
        return SignupEndToEndTest.call(method, path, tenant, null);
    }

    static String templateId(String wabaId, String name, String language) {
        return meta.state().waba(wabaId).orElseThrow().templates.values().stream()
                .filter(t -> t.name.equals(name) && t.language.equals(language)).findFirst().orElseThrow().id;
    }

    static long templateDeletesAtMeta(String wabaId) {
        return meta.calls().stream().filter(c -> c.method().equals("DELETE") && c.path().endsWith(wabaId + "/message_templates")).count();
    }

    static HttpResponse<String> sendTemplate(String tenant, SandboxState.Customer shop, String name, String language) throws Exception {
        return SignupEndToEndTest.call("POST", "/v1/messages", tenant, Map.of("channel", shop.phoneNumberId(), "to", "6281299997001",
                "type", "template", "template", Map.of("name", name, "language", Map.of("code", language))));
    }

    @Test
    void aDeletedTemplateIsGoneAtMetaMarkedDeletedAndRefusedBySends() throws Exception {
        meta.addTemplate(shopA.wabaId(), "promo", "en_US", "UTILITY", "Sale today", "APPROVED");
        meta.addTemplate(shopA.wabaId(), "promo", "id", "UTILITY", "Diskon hari ini", "APPROVED");
        assertThat(call("POST", "/v1/templates/sync?waba=" + shopA.wabaId(), "admin-a").statusCode()).isEqualTo(200);
        String base = "/v1/templates/promo?waba=" + shopA.wabaId();

        // Another tenant names A's WABA: unknown to it, and Meta is never asked.
        HttpResponse<String> foreign = call("DELETE", base, "admin-b");
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(404);
        assertThat(templateDeletesAtMeta(shopA.wabaId())).isZero();
        assertThat(meta.state().waba(shopA.wabaId()).orElseThrow().templates).hasSize(2);

        // One language by Meta's template id (hsm_id), then the rest by name.
        HttpResponse<String> one = call("DELETE", base + "&hsm_id=" + templateId(shopA.wabaId(), "promo", "id"), "admin-a");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(SignupEndToEndTest.json(one).path("languages").toString()).isEqualTo("[\"id\"]");
        assertThat(sendTemplate("admin-a", shopA, "promo", "en_US").statusCode()).as("the other language still sends").isEqualTo(202);
        HttpResponse<String> all = call("DELETE", base, "admin-a");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(SignupEndToEndTest.json(all).path("languages").toString()).isEqualTo("[\"en_US\"]");
        assertThat(meta.state().waba(shopA.wabaId()).orElseThrow().templates).isEmpty();
        assertThat(meta.calls()).anyMatch(c -> c.method().equals("DELETE") && "promo".equals(c.params().get("name")));

        JsonNode list = SignupEndToEndTest.json(call("GET", "/v1/templates?waba=" + shopA.wabaId(), "admin-a"));
        assertThat(list.path("items").findValuesAsText("status")).containsOnly("DELETED").hasSize(2);
        HttpResponse<String> refused = sendTemplate("admin-a", shopA, "promo", "id");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("template_not_approved");

        // Meta no longer has it: 404 in WaBridge's shape.
        HttpResponse<String> again = call("DELETE", base, "admin-a");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(404);
        assertThat(SignupEndToEndTest.json(again).path("error").path("code").asText()).isEqualTo("template_unknown");
        assertThat(call("DELETE", "/v1/templates/Bad-Name?waba=" + shopA.wabaId(), "admin-a").statusCode()).isEqualTo(400);
    }

    @Test
    void metasManagementRateLimitIsARetryLaterAndKeepsTheRecord() throws Exception {
        meta.addTemplate(shopB.wabaId(), "receipt", "en_US", "UTILITY", "Paid", "APPROVED");
        assertThat(call("POST", "/v1/templates/sync?waba=" + shopB.wabaId(), "admin-b").statusCode()).isEqualTo(200);
        meta.faults().add(Faults.Rule.graphError(".*/" + shopB.wabaId() + "/message_templates", 80007, 1));
        HttpResponse<String> limited = call("DELETE", "/v1/templates/receipt?waba=" + shopB.wabaId(), "admin-b");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(503);
        assertThat(SignupEndToEndTest.json(limited).path("error").path("code").asText()).isEqualTo("meta_rate_limited");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(SignupEndToEndTest.json(call("GET", "/v1/templates?waba=" + shopB.wabaId(), "admin-b")).path("items")
                .findValuesAsText("status")).containsExactly("APPROVED");
        assertThat(call("DELETE", "/v1/templates/receipt?waba=" + shopB.wabaId(), "admin-b").statusCode()).isEqualTo(200);
    }

    // ----- API rate limits --------------------------------------------------------------------------------------------

    record Burst(String tenant, int admitted, HttpResponse<String> refused) {}

    static HttpResponse<String> get(String path, String token) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path)).header("authorization", "Bearer " + token).GET());
    }

    /**
     * Requests from a fresh tenant on {@code plan} until the first 429 (at most {@code max}), all inside one of the
     * counter's 10-second windows: a run that crosses into the next window is run again with another tenant.
     */
    static Burst burst(String plan, int max) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            long untilNextWindow = 10_000 - System.currentTimeMillis() % 10_000;
            if (untilNextWindow < 3_000) {
                Thread.sleep(untilNextWindow + 50);
            }
            long window = System.currentTimeMillis() / 10_000;
            String tenant = plan + "-" + UUID.randomUUID().toString().substring(0, 8);
            String token = runtime.token(tenant, plan, Duration.ofMinutes(5));
            int admitted = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < max && refused == null; i++) {
                HttpResponse<String> r = get("/v1/whoami", token);
                if (r.statusCode() == 200) {
                    admitted++;
                } else {
                    refused = r;
                }
            }
            if (System.currentTimeMillis() / 10_000 == window) {
                return new Burst(tenant, admitted, refused);
            }
        }
        throw new AssertionError("no run fitted in one window");
    }

    @Test
    void overItsPlanATenantGets429WithRetryAfterAndTheJsonErrorOnEveryJwtFunction() throws Exception {
        Burst tiny = burst("tiny", 30);                       // 1/s: 10 in the window, up to 10 in a second
        assertThat(tiny.admitted()).isEqualTo(10);
        assertThat(tiny.refused().statusCode()).isEqualTo(429);
        assertThat(tiny.refused().headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = SignupEndToEndTest.json(tiny.refused()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limited");
        assertThat(error.path("message").asText()).isNotBlank();
        int retryAfter = Integer.parseInt(tiny.refused().headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).as("the rest of the window").isBetween(1, 10);

        // The count is the tenant's, whichever function answers: the signup function's JWT routes are limited too.
        String token = runtime.token(tiny.tenant(), "tiny", Duration.ofMinutes(5));
        assertThat(get("/v1/channels", token).statusCode()).isEqualTo(429);
        // Another tenant on the same plan is unaffected, and so are the routes without a JWT.
        assertThat(get("/v1/whoami", runtime.token("tiny-neighbour", "tiny", Duration.ofMinutes(5))).statusCode()).isEqualTo(200);
        assertThat(Http.get(URI.create(runtime.baseUrl() + "/v1/signup/embed.js")).statusCode()).isEqualTo(200);

        Thread.sleep(retryAfter * 1000L + 100);
        assertThat(get("/v1/whoami", token).statusCode()).as("admitted again after Retry-After").isEqualTo(200);
    }

    @Test
    void eachPlanHasItsOwnLimitAndTheBurstCapsOneSecond() throws Exception {
        assertThat(burst("small", 40).admitted()).as("2/s: 20 in the window").isEqualTo(20);

        Burst spiky = burst("spiky", 40);                     // 10/s on average, but at most 2 in any one second
        assertThat(spiky.refused()).isNotNull();
        assertThat(spiky.admitted()).isBetween(2, 6);
        assertThat(spiky.refused().headers().firstValue("retry-after")).hasValue("1");

        // A token without a plan claim is on the default plan (50/s): a run of 40 is admitted.
        String token = runtime.token("planless-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofMinutes(5));
        for (int i = 0; i < 40; i++) {
            assertThat(get("/v1/whoami", token).statusCode()).isEqualTo(200);
        }
    }
}
