package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.Http;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consent, the 24-hour window and handoff follow the person across their ids. Meta's
 * webhook names a user by wa_id and BSUID together; whichever id a caller then uses, sends, can-send and
 * handoff see the same person.
 */
@EndToEnd
class ConsentAcrossIdsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String TENANT = "person";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        meta = runtime.sandbox();
        shop = meta.createCustomer("Toko Orang", "6281100009101");
        HttpResponse<String> signup = call("POST", "/v1/signup/complete", Map.of("state", state(), "event", "FINISH",
                "code", meta.signupCode(shop.businessId()), "waba_id", shop.wabaId(), "phone_number_id", shop.phoneNumberId(),
                "business_id", shop.businessId()));
        assertThat(JSON.readTree(signup.body()).path("outcome").asText()).as(signup.body()).isEqualTo("active");
        meta.addTemplate(shop.wabaId(), "promo_dec", "en_US", "MARKETING", "Diskon akhir tahun", "APPROVED");
        assertThat(call("POST", "/v1/templates/sync?waba=" + shop.wabaId(), null).statusCode()).isEqualTo(200);
    }


    static String state() throws Exception {
        return JSON.readTree(call("POST", "/v1/signup/sessions", Map.of()).body()).path("state").asText();
    }

    static HttpResponse<String> call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + runtime.token(TENANT, Duration.ofMinutes(10)));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static boolean eventually(Callable<Boolean> check) throws InterruptedException {
        return Http.eventuallyCalling(Duration.ofSeconds(20), check);
    }

    static HttpResponse<String> promo(String to) throws Exception {
        return call("POST", "/v1/messages", Map.of("channel", shop.phoneNumberId(), "to", to, "type", "template",
                "template", Map.of("name", "promo_dec", "language", Map.of("code", "en_US"))));
    }

    static HttpResponse<String> text(String to, String body) throws Exception {
        return call("POST", "/v1/messages", Map.of("channel", shop.phoneNumberId(), "to", to, "type", "text", "text", Map.of("body", body)));
    }

    static JsonNode canSendAnswer(String contact, String category) throws Exception {
        return json(call("GET", "/v1/contacts/" + contact + "/can-send?category=" + category + "&channel=" + shop.phoneNumberId(), null));
    }

    static String canSend(String contact, String category) throws Exception {
        return canSendAnswer(contact, category).path("reason").asText();
    }

    @Test
    void anOptOutUnderTheWaIdStopsATemplateToTheBsuidAndCanSendSaysSo() throws Exception {
        String waId = "6281200009101";
        String bsuid = meta.user(waId).bsuid;
        // Opted in under the BSUID (say, from a form that only knew it)...
        HttpResponse<String> optIn = call("POST", "/v1/contacts/" + bsuid + "/consent", Map.of("action", "opt_in",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "f-bsuid")));
        assertThat(optIn.statusCode()).as(optIn.body()).isIn(200, 201);
        assertThat(canSend(bsuid, "marketing")).isEqualTo("opted_in");
        // ...then STOP on WhatsApp: Meta's webhook names the user by wa_id and BSUID together.
        meta.userSendsText(waId, shop.phoneNumberId(), "STOP");
        assertThat(eventually(() -> canSend(waId, "marketing").equals("opted_out"))).isTrue();

        assertThat(canSend(bsuid, "marketing")).as("can-send by BSUID").isEqualTo("opted_out");
        HttpResponse<String> refused = promo(bsuid);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(json(refused).path("error").path("code").asText()).isEqualTo("opted_out");
        assertThat(json(call("GET", "/v1/contacts/" + bsuid + "/consent", null)).path("state").path("all").asText()).isEqualTo("out");
    }

    @Test
    void theWindowAndHandoffAreThePersonsWhicheverIdNamesThem() throws Exception {
        String waId = "6281200009102";
        String bsuid = meta.user(waId).bsuid;
        String wamid = meta.userSendsText(waId, shop.phoneNumberId(), "halo, saya mau tanya");
        assertThat(eventually(() -> call("GET", "/v1/messages/" + wamid, null).statusCode() == 200)).isTrue();

        // The window opened by the message counts for both ids.
        assertThat(canSendAnswer(waId, "utility").path("inWindow").asBoolean()).isTrue();
        assertThat(canSendAnswer(bsuid, "utility").path("inWindow").asBoolean()).isTrue();
        assertThat(text(waId, "by wa_id").statusCode()).isEqualTo(202);
        assertThat(text(bsuid, "by BSUID").statusCode()).isEqualTo(202);

        // Handoff named by the wa_id is the conversation the BSUID names: one person, one conversation.
        HttpResponse<String> handoff = call("POST", "/v1/conversations/" + shop.phoneNumberId() + ":" + waId + "/handoff", Map.of());
        assertThat(handoff.statusCode()).as(handoff.body()).isEqualTo(200);
        assertThat(call("POST", "/v1/conversations/" + shop.phoneNumberId() + ":" + bsuid + "/resume", null).statusCode()).isEqualTo(200);

        // History read by either id is the same conversation.
        JsonNode byWaId = json(call("GET", "/v1/channels/" + shop.phoneNumberId() + "/conversations/" + waId + "/messages", null));
        JsonNode byBsuid = json(call("GET", "/v1/channels/" + shop.phoneNumberId() + "/conversations/" + bsuid + "/messages", null));
        assertThat(byWaId.toString()).contains(wamid);
        assertThat(byWaId.path("items")).isEqualTo(byBsuid.path("items"));
    }
}
