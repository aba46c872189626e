package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.sandbox.Faults;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embedded Signup's backend against the Meta sandbox, driven over HTTP as the front-end snippet drives it. */
@EndToEnd
class SignupEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static LocalRuntime runtime;
    static MetaSandbox meta;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        meta = runtime.sandbox();
    }


    static String bearer(String tenant) {
        return "Bearer " + runtime.token(tenant, Duration.ofMinutes(10));
    }

    static HttpResponse<String> call(String method, String path, String tenant, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json");
        if (tenant != null) {
            b.header("authorization", bearer(tenant));
        }
        return Http.send(b);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String session(String tenant) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/signup/sessions", tenant, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode s = json(r);
        assertThat(s.path("configId").asText()).isNotEmpty();
        assertThat(s.path("appId").asText()).isEqualTo(runtime.sandbox().appId());
        assertThat(s.path("messageOrigins").toString()).contains(runtime.sandbox().baseUrl().getPort() + "");
        return s.path("state").asText();
    }

    static Map<String, Object> finish(String state, SandboxState.Customer c, String code) {
        return Map.of("state", state, "event", "FINISH", "code", code, "waba_id", c.wabaId(), "phone_number_id", c.phoneNumberId(),
                "business_id", c.businessId());
    }

    static long callsTo(String pathEnd) {
        return meta.calls().stream().filter(c -> c.path().endsWith(pathEnd)).count();
    }

    @Test
    void aFinishedPopupBecomesAnActiveChannelWithSubscribeBeforeRegisterAndASixDigitPin() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Toko Maju", "6281100001001");
        String state = session("toko");
        long started = System.nanoTime();
        HttpResponse<String> r = call("POST", "/v1/signup/complete", "toko", finish(state, c, meta.signupCode(c.businessId())));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("outcome").asText()).isEqualTo("active");
        assertThat(body.path("channel").path("displayPhoneNumber").asText()).isNotEmpty();
        assertThat(body.path("channel").path("tokenExpiresAt").asText()).isEqualTo("never");
        assertThat(body.toString()).doesNotContain("EAA").doesNotContain("\"pin\"");
        System.out.printf("signup: popup finish to channel ready in %d ms%n", millis);

        List<MetaSandbox.Call> calls = meta.calls().stream().filter(k -> k.path().contains(c.wabaId()) || k.path().contains(c.phoneNumberId())).toList();
        int subscribe = indexOf(calls, "POST", c.wabaId() + "/subscribed_apps");
        int register = indexOf(calls, "POST", c.phoneNumberId() + "/register");
        assertThat(subscribe).isGreaterThanOrEqualTo(0).isLessThan(register);
        assertThat(calls.get(register).body()).as("the sandbox never records the PIN").contains("\"pin\":\"***\"");
        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        String pin = wiring.tokenVault().reveal(new SecretContext("toko", c.phoneNumberId(), SecretField.REGISTRATION_PIN)).orElseThrow().reveal();
        assertThat(pin).matches("[0-9]{6}").isEqualTo(meta.state().number(c.phoneNumberId()).orElseThrow().pin);
        assertThat(meta.calls()).noneMatch(k -> k.path().contains("whatsapp_credit_sharing_and_attach"));

        // The routing claim and the channel agree: a webhook for the number reaches the tenant.
        String wamid = meta.userSendsText("6281234511111", c.phoneNumberId(), "halo");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + wamid), "authorization", bearer("toko")).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        })).isTrue();

        // The state is single-use.
        HttpResponse<String> again = call("POST", "/v1/signup/complete", "toko", finish(state, c, meta.signupCode(c.businessId())));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again).path("error").path("code").asText()).isEqualTo("state_used");

        // Listed and readable, never with the token.
        JsonNode list = json(call("GET", "/v1/channels", "toko", null));
        assertThat(list.path("items")).hasSize(1);
        assertThat(json(call("GET", "/v1/channels/" + c.phoneNumberId(), "toko", null)).path("status").asText()).isEqualTo("active");
        assertThat(call("GET", "/v1/channels/" + c.phoneNumberId(), "other", null).statusCode()).isEqualTo(404);
    }

    static int indexOf(List<MetaSandbox.Call> calls, String method, String pathEnd) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).method().equals(method) && calls.get(i).path().endsWith(pathEnd)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void badStatesCodesAndTenantsAreRefusedWithClearCodes() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Refusals", "6281100001002");
        String state = session("alpha");
        assertThat(json(call("POST", "/v1/signup/complete", "beta", finish(state, c, "x"))).path("error").path("code").asText())
                .isEqualTo("tenant_mismatch");
        HttpResponse<String> forged = call("POST", "/v1/signup/complete", "alpha", finish(state.substring(0, state.length() - 2) + "AA", c, "x"));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(json(forged).path("error").path("code").asText()).isEqualTo("state_invalid");

        HttpResponse<String> badCode = call("POST", "/v1/signup/complete", "alpha", finish(state, c, "not-a-code"));
        assertThat(badCode.statusCode()).isEqualTo(400);
        assertThat(json(badCode).path("error").path("code").asText()).isEqualTo("code_invalid");
        assertThat(json(badCode).path("error").path("message").asText()).contains("popup again");

        HttpResponse<String> malformed = Http.post(URI.create(runtime.baseUrl() + "/v1/signup/complete"), "{".getBytes(StandardCharsets.UTF_8),
                "authorization", bearer("alpha"), "content-type", "application/json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("body_invalid");

        // A cancellation is recorded, reported and uses the session up.
        String cancelState = session("alpha");
        HttpResponse<String> cancel = call("POST", "/v1/signup/complete", "alpha", Map.of("state", cancelState, "event", "CANCEL",
                "current_step", "PHONE_NUMBER_SETUP"));
        assertThat(json(cancel).path("outcome").asText()).isEqualTo("cancelled");
        assertThat(json(cancel).path("detail").asText()).contains("PHONE_NUMBER_SETUP");
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("signup.cancelled") && e.path("detail").path("tenantId").asText().equals("alpha")))).isTrue();
    }

    @Test
    void aNumberBelongsToOneTenant() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Contested", "6281100001003");
        assertThat(call("POST", "/v1/signup/complete", "first", finish(session("first"), c, meta.signupCode(c.businessId()))).statusCode())
                .isEqualTo(200);
        HttpResponse<String> second = call("POST", "/v1/signup/complete", "second", finish(session("second"), c, meta.signupCode(c.businessId())));
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).path("error").path("code").asText()).isEqualTo("number_taken");
        assertThat(call("GET", "/v1/channels/" + c.phoneNumberId(), "second", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedRegistrationIsRecordedAndResumeFinishesOnlyWhatFailed() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Resumable", "6281100001004");
        meta.faults().add(Faults.Rule.graphError(".*/" + c.phoneNumberId() + "/register", 131000, 1));
        JsonNode first = json(call("POST", "/v1/signup/complete", "resume", finish(session("resume"), c, meta.signupCode(c.businessId()))));
        assertThat(first.path("outcome").asText()).isEqualTo("onboarding_incomplete");
        assertThat(first.path("detail").asText()).contains("number_registered failed (Meta error 131000)");
        JsonNode steps = first.path("channel").path("onboarding").path("steps");
        assertThat(steps.toString()).contains("\"name\":\"app_subscribed\",\"status\":\"done\"");
        long subscribes = callsTo(c.wabaId() + "/subscribed_apps");

        JsonNode resumed = json(call("POST", "/v1/channels/" + c.phoneNumberId() + "/onboarding/resume", "resume", Map.of()));
        assertThat(resumed.path("outcome").asText()).isEqualTo("active");
        assertThat(callsTo(c.wabaId() + "/subscribed_apps")).as("subscribe is not redone").isEqualTo(subscribes);
        assertThat(call("POST", "/v1/channels/" + c.phoneNumberId() + "/onboarding/resume", "resume", Map.of()).statusCode()).isEqualTo(409);
    }

    @Test
    void aRegistrationBlockedByMetaWaitsForTheBlockToEnd() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Blocked", "6281100001006");
        meta.faults().add(Faults.Rule.graphError(".*/" + c.phoneNumberId() + "/register", 133016, 1));
        JsonNode first = json(call("POST", "/v1/signup/complete", "blocked", finish(session("blocked"), c, meta.signupCode(c.businessId()))));
        assertThat(first.path("outcome").asText()).isEqualTo("onboarding_incomplete");
        JsonNode register = null;
        for (JsonNode s : first.path("channel").path("onboarding").path("steps")) {
            if (s.path("name").asText().equals("number_registered")) {
                register = s;
            }
        }
        assertThat(register.path("errorCode").asInt()).isEqualTo(133016);
        assertThat(java.time.Instant.parse(register.path("retryAfter").asText())).isAfter(java.time.Instant.now().plus(Duration.ofHours(71)));
        long registers = callsTo(c.phoneNumberId() + "/register");
        JsonNode resumed = json(call("POST", "/v1/channels/" + c.phoneNumberId() + "/onboarding/resume", "blocked", Map.of()));
        assertThat(resumed.path("outcome").asText()).isEqualTo("onboarding_incomplete");
        assertThat(callsTo(c.phoneNumberId() + "/register")).as("no register call while Meta blocks it").isEqualTo(registers);
    }

    @Test
    void aCoexistenceNumberIsNotRegisteredAndAWabaWithoutANumberIsReported() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Coexisting", "6281100001007");
        Map<String, Object> body = new java.util.HashMap<>(finish(session("coex"), c, meta.signupCode(c.businessId())));
        body.put("event", "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING");
        JsonNode done = json(call("POST", "/v1/signup/complete", "coex", body));
        assertThat(done.path("outcome").asText()).isEqualTo("active");
        assertThat(done.path("channel").path("coexistence").asBoolean()).isTrue();
        assertThat(done.path("channel").path("onboarding").toString()).contains("\"name\":\"number_registered\",\"status\":\"skipped\"");
        assertThat(callsTo(c.phoneNumberId() + "/register")).isZero();

        SandboxState.Customer w = meta.createCustomer("Waba only", "6281100001008");
        JsonNode wabaOnly = json(call("POST", "/v1/signup/complete", "coex", Map.of("state", session("coex"), "event", "FINISH_ONLY_WABA",
                "code", meta.signupCode(w.businessId()), "waba_id", w.wabaId(), "business_id", w.businessId())));
        assertThat(wabaOnly.path("outcome").asText()).isEqualTo("waba_only");
        assertThat(callsTo(w.wabaId() + "/subscribed_apps")).isEqualTo(1);
    }

    @Test
    void disconnectingDestroysTheTokenReleasesTheNumberAndReauthorisationKeepsTheChannel() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Leaving", "6281100001005");
        assertThat(call("POST", "/v1/signup/complete", "leaver", finish(session("leaver"), c, meta.signupCode(c.businessId()))).statusCode())
                .isEqualTo(200);
        String connectedAt = json(call("GET", "/v1/channels/" + c.phoneNumberId(), "leaver", null)).path("connectedAt").asText();
        JsonNode gone = json(call("DELETE", "/v1/channels/" + c.phoneNumberId() + "?deregister=true", "leaver", null));
        assertThat(gone.path("channel").path("status").asText()).isEqualTo("disconnected");
        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        assertThat(wiring.tokenVault().reveal(new SecretContext("leaver", c.phoneNumberId(), SecretField.BUSINESS_TOKEN))).isEmpty();
        assertThat(callsTo(c.phoneNumberId() + "/deregister")).isEqualTo(1);

        // Another tenant may now claim it; the first tenant can reconnect only after that tenant lets go.
        assertThat(call("POST", "/v1/signup/complete", "leaver", finish(session("leaver"), c, meta.signupCode(c.businessId()))).statusCode())
                .isEqualTo(200);
        JsonNode back = json(call("GET", "/v1/channels/" + c.phoneNumberId(), "leaver", null));
        assertThat(back.path("status").asText()).isEqualTo("active");
        assertThat(back.path("connectedAt").asText()).isNotEqualTo(connectedAt);
        assertThat(meta.state().number(c.phoneNumberId()).orElseThrow().registered).as("registered again after the deregistration").isTrue();
        assertThat(json(call("GET", "/v1/channels", "leaver", null)).path("items")).hasSize(1);
    }
}
