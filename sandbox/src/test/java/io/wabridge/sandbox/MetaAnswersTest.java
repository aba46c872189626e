package io.wabridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sandbox answers as Meta does where WaBridge's parsers could come to rely on a difference:
 * error fields, HTTP statuses and headers, the expired-token wording, number reads, debug_token per case and the
 * synchronous refusals. Sources are cited at each rule in the sandbox's code.
 */
class MetaAnswersTest {

    static final String APP_ID = MetaSandboxTest.APP_ID;
    static final String SECRET = MetaSandboxTest.SECRET;
    final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    final MetaSandboxTest.TestClock clock = new MetaSandboxTest.TestClock();
    MetaSandbox sandbox;
    Receiver receiver;
    SandboxState.Customer acme;
    String token;

    @org.junit.jupiter.api.BeforeEach
    void start() throws Exception {
        sandbox = MetaSandbox.start(APP_ID, SECRET, 0, clock);
        receiver = new Receiver("vt");
        assertThat(sandbox.configureCallback(receiver.url(), "vt")).isTrue();
        acme = sandbox.createCustomer("Acme", "15550001111");
        token = sandbox.businessToken(acme.businessId(), null);
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    HttpResponse<String> call(String method, String path, String bearer, String json) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.graphUrl("v25.0") + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (json != null) {
            b.header("content-type", "application/json");
        }
        b.method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return MetaSandboxTest.json(r);
    }

    static void assertError(HttpResponse<String> r, int status, int code) throws Exception {
        MetaSandboxTest.assertError(r, status, code);
    }

    @Test
    void throughputErrorsCarryMetasSubcodeAndTransientFlagWithoutInventedData() throws Exception {
        sandbox.register(acme.phoneNumberId());
        sandbox.faults().add(Faults.Rule.graphError(".*/messages", 130429, 1));
        HttpResponse<String> r = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550002222\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");
        JsonNode error = json(r).path("error");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error.path("error_subcode").asInt()).isEqualTo(2494055);

        sandbox.faults().add(Faults.Rule.graphError(".*/messages", 131016, 1));
        HttpResponse<String> busy = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550002222\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");
        assertThat(busy.statusCode()).as("Meta's status for 131016").isEqualTo(503);
        assertThat(json(busy).path("error").path("is_transient").asBoolean()).isTrue();

        HttpResponse<String> badToken = call("GET", "/" + acme.phoneNumberId(), "not-a-token", null);
        assertThat(badToken.statusCode()).isEqualTo(401);
        assertThat(json(badToken).path("error").has("error_data")).as("OAuth errors have no error_data").isFalse();
        assertThat(json(badToken).path("error").has("is_transient")).isFalse();
        assertThat(badToken.headers().firstValue("www-authenticate").orElse("")).startsWith("OAuth \"Facebook Platform\" \"invalid_token\"");
    }

    @Test
    void anExpiredTokenIsRefusedInMetasWords() throws Exception {
        String shortLived = sandbox.businessToken(acme.businessId(), Duration.ofHours(1));
        clock.now = clock.now.plus(Duration.ofHours(2));
        HttpResponse<String> r = call("GET", "/" + acme.phoneNumberId(), shortLived, null);
        JsonNode error = json(r).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(190);
        assertThat(error.path("error_subcode").asInt()).isEqualTo(463);
        // "Error validating access token: Session has expired on Wednesday, 14-Feb-18 18:00:00 PST. The current time is ..."
        assertThat(error.path("message").asText()).isEqualTo("Error validating access token: Session has expired on Saturday, 21-Nov-26 "
                + "03:00:00 PST. The current time is Saturday, 21-Nov-26 04:00:00 PST.");
        assertThat(r.headers().firstValue("www-authenticate")).isPresent();
    }

    @Test
    void numberReadsFormatTheDisplayNumberAndNameTheWebhookConfiguration() throws Exception {
        SandboxState.Customer us = sandbox.createCustomer("Lucky Shrub", "15550783881");
        String usToken = sandbox.businessToken(us.businessId(), null);
        JsonNode n = json(call("GET", "/" + us.phoneNumberId(), usToken, null));
        assertThat(n.path("display_phone_number").asText()).isEqualTo("+1 555-078-3881");
        assertThat(n.path("webhook_configuration").path("application").asText()).isEqualTo(receiver.url());
        JsonNode id = json(call("GET", "/" + acme.phoneNumberId() + "?fields=display_phone_number", token, null));
        assertThat(id.path("display_phone_number").asText()).isEqualTo("+1 555-000-1111");
        assertThat(io.wabridge.sandbox.GraphApi.displayFormat("6281100003001")).isEqualTo("+62 811-0000-3001");
        // The legacy messaging_limit_tier on old API versions only.
        String legacy = "/" + acme.phoneNumberId() + "?fields=messaging_limit_tier,whatsapp_business_manager_messaging_limit";
        JsonNode v23 = json(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.graphUrl("v23.0") + legacy))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(v23.path("messaging_limit_tier").asText()).isEqualTo(v23.path("whatsapp_business_manager_messaging_limit").asText()).isNotEmpty();
        assertThat(json(call("GET", legacy, token, null)).has("messaging_limit_tier")).as("v25.0").isFalse();
    }

    @Test
    void debugTokenOfARevokedTokenHasAnErrorAndNoScopes() throws Exception {
        String appToken = APP_ID + "|" + SECRET;
        JsonNode valid = json(call("GET", "/debug_token?input_token=" + token, appToken, null)).path("data");
        assertThat(valid.path("scopes").isArray()).isTrue();
        sandbox.revokeTokens(acme.businessId());
        JsonNode revoked = json(call("GET", "/debug_token?input_token=" + token, appToken, null)).path("data");
        assertThat(revoked.path("is_valid").asBoolean(true)).isFalse();
        assertThat(revoked.has("scopes")).isFalse();
        assertThat(revoked.has("granular_scopes")).isFalse();
        assertThat(revoked.path("error").path("code").asInt()).isEqualTo(190);
    }

    @Test
    void aUserCanBeScriptedToBeRefusedInTheAnswer() throws Exception {
        sandbox.register(acme.phoneNumberId());
        SandboxState.User gone = sandbox.user("15550009999");
        gone.onWhatsApp = false;
        gone.refusesSynchronously = true;
        HttpResponse<String> undeliverable = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550009999\",\"type\":\"template\",\"template\":{\"name\":\"x\",\"language\":{\"code\":\"en_US\"}}}");
        // The template does not exist either; Meta checks the recipient first in this scenario.
        assertThat(json(undeliverable).path("error").path("code").asInt()).as(undeliverable.body()).isIn(131026, 132001);
        HttpResponse<String> text = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550009999\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");
        assertError(text, 400, 131026);

        SandboxState.User quiet = sandbox.user("15550008888");
        quiet.refusesSynchronously = true;
        HttpResponse<String> outside = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550008888\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");
        assertError(outside, 400, 131047);
    }

    HttpResponse<String> control(String path, String body) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.baseUrl() + path))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The synchronous 131026 / 131047 scenario is switched through the control API, not only from test code. */
    @Test
    void theControlApiSwitchesSynchronousRefusals() throws Exception {
        sandbox.register(acme.phoneNumberId());
        String text = "{\"messaging_product\":\"whatsapp\",\"to\":\"15550007777\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";
        HttpResponse<String> set = control("/_sandbox/users/15550007777", "{\"on_whatsapp\":false,\"refuses_synchronously\":true}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).path("refuses_synchronously").asBoolean()).isTrue();
        assertError(call("POST", "/" + acme.phoneNumberId() + "/messages", token, text), 400, 131026);

        assertThat(control("/_sandbox/users/15550007777", "{\"on_whatsapp\":true}").statusCode()).isEqualTo(200);
        assertError(call("POST", "/" + acme.phoneNumberId() + "/messages", token, text), 400, 131047);

        assertThat(control("/_sandbox/users/15550007777", "{\"refuses_synchronously\":false}").statusCode()).isEqualTo(200);
        HttpResponse<String> accepted = call("POST", "/" + acme.phoneNumberId() + "/messages", token, text);
        assertThat(accepted.statusCode()).as("refused by a failed status webhook instead").isEqualTo(200);

        assertThat(control("/_sandbox/users/15550007777", "{\"refuses_synchronously\":\"yes\"}").statusCode()).isEqualTo(400);
        assertThat(control("/_sandbox/users/15550007777", "{\"refuses\":true}").statusCode()).isEqualTo(400);
        assertThat(control("/_sandbox/users/not-a-number", "{\"refuses_synchronously\":true}").statusCode()).isEqualTo(400);
    }

    /**
     * Meta may answer a marketing template send with message_status held_for_quality_assessment (Meta's OpenAPI,
     * MarketingMessageResponsePayload / MessageStatus): a scenario per user, switched through the control API.
     */
    @Test
    void aMarketingTemplateSendCanBeHeldForQualityAssessment() throws Exception {
        sandbox.register(acme.phoneNumberId());
        sandbox.addTemplate(acme.wabaId(), "promo", "en_US", "MARKETING", "Big sale", "APPROVED");
        sandbox.addTemplate(acme.wabaId(), "order", "en_US", "UTILITY", "Your order shipped", "APPROVED");
        assertThat(control("/_sandbox/users/15550006666", "{\"marketing_held_for_quality_assessment\":true}").statusCode()).isEqualTo(200);
        HttpResponse<String> promo = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550006666\",\"type\":\"template\",\"template\":{\"name\":\"promo\",\"language\":{\"code\":\"en_US\"}}}");
        assertThat(promo.statusCode()).as(promo.body()).isEqualTo(200);
        assertThat(json(promo).at("/messages/0/message_status").asText()).isEqualTo("held_for_quality_assessment");
        assertThat(json(promo).at("/messages/0/id").asText()).startsWith("wamid.");
        HttpResponse<String> order = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15550006666\",\"type\":\"template\",\"template\":{\"name\":\"order\",\"language\":{\"code\":\"en_US\"}}}");
        assertThat(json(order).at("/messages/0/message_status").asText()).as("a utility template is not held").isEqualTo("accepted");
    }
}
