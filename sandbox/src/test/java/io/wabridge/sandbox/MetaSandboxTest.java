package io.wabridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox over real HTTP: Meta's shapes, rules and error codes, and webhook delivery. */
class MetaSandboxTest {

    static final String APP_ID = "100000000000001";
    static final String SECRET = "sandbox-app-secret";
    static final ObjectMapper JSON = new ObjectMapper();

    /** A clock tests move by hand (the 30 s code TTL, the 24 h window, media URL expiry, rate windows). */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-21T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final HttpClient http = HttpClient.newHttpClient();
    final TestClock clock = new TestClock();
    MetaSandbox sandbox;
    Receiver receiver;
    SandboxState.Customer acme;
    String token;

    @BeforeEach
    void start() throws Exception {
        sandbox = MetaSandbox.start(APP_ID, SECRET, 0, clock);
        sandbox.statusStepMillis(20);
        sandbox.webhooks().retries(20, 5);
        receiver = new Receiver("vt");
        assertThat(sandbox.configureCallback(receiver.url(), "vt")).isTrue();
        acme = sandbox.createCustomer("Acme", "15550001111");
        token = sandbox.businessToken(acme.businessId(), null);
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    HttpResponse<String> call(String method, String path, String bearer, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sandbox.graphUrl("v25.0") + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (json != null) {
            b.header("content-type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = json(r).path("error");
        assertThat(error.path("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("type").asText()).isNotBlank();
        assertThat(error.path("fbtrace_id").asText()).isNotBlank();
    }

    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    String send(String body) throws Exception {
        return call("POST", "/" + acme.phoneNumberId() + "/messages", token, body).body();
    }

    // ----- signup calls ---------------------------------------------------------------------------------------------

    @Test
    void exchangesACodeOnceWithinThirtySeconds() throws Exception {
        String code = sandbox.signupCode(acme.businessId());
        String q = "/oauth/access_token?client_id=" + APP_ID + "&client_secret=" + SECRET + "&code=";
        HttpResponse<String> ok = call("GET", q + code, null, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        String business = json(ok).path("access_token").asText();
        assertThat(business).startsWith("EAAG");
        assertThat(call("GET", "/" + acme.phoneNumberId(), business, null).statusCode()).isEqualTo(200);

        HttpResponse<String> reused = call("GET", q + code, null, null);
        assertError(reused, 400, 100);
        assertThat(json(reused).path("error").path("error_subcode").asInt()).isEqualTo(36009);

        String late = sandbox.signupCode(acme.businessId());
        clock.now = clock.now.plusSeconds(31);
        HttpResponse<String> expired = call("GET", q + late, null, null);
        assertThat(json(expired).path("error").path("error_subcode").asInt()).isEqualTo(36007);

        assertError(call("GET", "/oauth/access_token?client_id=" + APP_ID + "&client_secret=wrong&code=" + sandbox.signupCode(acme.businessId()),
                null, null), 400, 1);
    }

    @Test
    void debugTokenNeedsTheAppTokenAndDescribesTheBusinessToken() throws Exception {
        assertError(call("GET", "/debug_token?input_token=" + token, token, null), 400, 100);
        JsonNode data = json(call("GET", "/debug_token?input_token=" + token, APP_ID + "|" + SECRET, null)).path("data");
        assertThat(data.path("is_valid").asBoolean()).isTrue();
        assertThat(data.path("expires_at").asLong()).isZero();
        assertThat(data.path("app_id").asText()).isEqualTo(APP_ID);
        assertThat(data.path("granular_scopes").toString()).contains(acme.wabaId()).contains("whatsapp_business_messaging");

        String expiring = sandbox.businessToken(acme.businessId(), Duration.ofDays(60));
        assertThat(json(call("GET", "/debug_token?input_token=" + expiring, APP_ID + "|" + SECRET, null))
                .path("data").path("expires_at").asLong()).isEqualTo(clock.now.plus(Duration.ofDays(60)).getEpochSecond());

        sandbox.revokeApp(acme.businessId());
        assertThat(json(call("GET", "/debug_token?input_token=" + token, APP_ID + "|" + SECRET, null))
                .path("data").path("is_valid").asBoolean()).isFalse();
        assertError(call("GET", "/" + acme.phoneNumberId(), token, null), 401, 190);
        assertThat(eventually(() -> receiver.all().contains("PARTNER_APP_UNINSTALLED"))).isTrue();
    }

    @Test
    void tokensExpireAndAreRevokedByControlAndRefreshWithTheirNewExpiry() throws Exception {
        HttpResponse<String> set = control("/_sandbox/businesses/" + acme.businessId() + "/tokens", "{\"expires_in_seconds\":259200}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(debug(token).path("expires_at").asLong()).isEqualTo(clock.now.plus(Duration.ofDays(3)).getEpochSecond());

        JsonNode refreshed = json(call("GET", "/oauth/access_token?grant_type=fb_exchange_token&client_id=" + APP_ID + "&client_secret="
                + SECRET + "&set_token_expires_in_60_days=true&fb_exchange_token=" + token, null, null));
        String fresh = refreshed.path("access_token").asText();
        assertThat(fresh).isNotEqualTo(token);
        assertThat(refreshed.path("expires_in").asLong()).isEqualTo(Duration.ofDays(60).toSeconds());
        assertThat(debug(fresh).path("expires_at").asLong()).isEqualTo(clock.now.plus(Duration.ofDays(60)).getEpochSecond());
        assertThat(debug(token).path("is_valid").asBoolean()).as("the old token lives until its own expiry").isTrue();

        assertThat(control("/_sandbox/businesses/" + acme.businessId() + "/tokens", "{\"valid\":false}").statusCode()).isEqualTo(200);
        assertThat(debug(fresh).path("is_valid").asBoolean()).isFalse();
        assertError(call("GET", "/" + acme.phoneNumberId(), fresh, null), 401, 190);
        assertError(call("GET", "/oauth/access_token?grant_type=fb_exchange_token&client_id=" + APP_ID + "&client_secret="
                + SECRET + "&fb_exchange_token=" + fresh, null, null), 401, 190);
    }

    @Test
    void numberFieldsChangeByControlAndEveryReadCountsAgainstTheWaba() throws Exception {
        HttpResponse<String> changed = control("/_sandbox/numbers/" + acme.phoneNumberId(),
                "{\"quality_rating\":\"RED\",\"messaging_limit\":\"TIER_10K\",\"throughput\":\"HIGH\",\"name_status\":\"DECLINED\"}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode n = json(call("GET", "/" + acme.phoneNumberId() + "?fields=quality_rating,whatsapp_business_manager_messaging_limit,"
                + "throughput,name_status,status", token, null));
        assertThat(n.path("quality_rating").asText()).isEqualTo("RED");
        assertThat(n.path("whatsapp_business_manager_messaging_limit").asText()).isEqualTo("TIER_10K");
        assertThat(n.path("throughput").path("level").asText()).isEqualTo("HIGH");
        assertThat(n.path("name_status").asText()).isEqualTo("DECLINED");
        assertThat(n.path("status").asText()).isEqualTo("PENDING");
        assertThat(receiver.all()).as("a silent change sends no webhook").doesNotContain("phone_number_quality_update");

        sandbox.managementLimitPerHour(2);
        assertThat(call("GET", "/" + acme.phoneNumberId(), token, null).statusCode()).isEqualTo(200);
        assertError(call("GET", "/" + acme.phoneNumberId(), token, null), 400, 80007);
    }

    private HttpResponse<String> control(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode debug(String input) throws Exception {
        return json(call("GET", "/debug_token?input_token=" + input, APP_ID + "|" + SECRET, null)).path("data");
    }

    @Test
    void checksTokensAndAssetOwnership() throws Exception {
        assertError(call("GET", "/" + acme.phoneNumberId(), null, null), 401, 190);
        assertError(call("GET", "/" + acme.phoneNumberId(), "EAAGnonsense", null), 401, 190);
        String shortLived = sandbox.businessToken(acme.businessId(), Duration.ofHours(1));
        clock.now = clock.now.plus(Duration.ofHours(2));
        HttpResponse<String> expired = call("GET", "/" + acme.phoneNumberId(), shortLived, null);
        assertError(expired, 401, 190);
        assertThat(json(expired).path("error").path("error_subcode").asInt()).isEqualTo(463);

        SandboxState.Customer globex = sandbox.createCustomer("Globex", "15550002222");
        HttpResponse<String> foreign = call("GET", "/" + globex.phoneNumberId(), token, null);
        assertError(foreign, 400, 100);
        assertThat(json(foreign).path("error").path("error_subcode").asInt()).isEqualTo(33);
    }

    @Test
    void readsNumbersAndSubscribesWithAVerifiedOverride() throws Exception {
        JsonNode number = json(call("GET", "/" + acme.phoneNumberId()
                + "?fields=display_phone_number,quality_rating,throughput,whatsapp_business_manager_messaging_limit", token, null));
        assertThat(number.path("display_phone_number").asText()).isEqualTo("+1 555-000-1111");   // Meta reads it formatted; webhooks carry digits
        assertThat(number.path("throughput").path("level").asText()).isEqualTo("STANDARD");
        assertThat(number.path("whatsapp_business_manager_messaging_limit").asText()).isEqualTo("TIER_2K");
        assertThat(json(call("GET", "/" + acme.wabaId() + "/phone_numbers", token, null)).path("data").get(0).path("id").asText())
                .isEqualTo(acme.phoneNumberId());

        assertThat(json(call("POST", "/" + acme.wabaId() + "/subscribed_apps", token, null)).path("success").asBoolean()).isTrue();
        int before = receiver.handshakes.get();
        HttpResponse<String> bad = call("POST", "/" + acme.wabaId() + "/subscribed_apps", token,
                "{\"override_callback_uri\":\"" + receiver.url() + "\",\"verify_token\":\"wrong\"}");
        assertError(bad, 400, 2200);
        HttpResponse<String> good = call("POST", "/" + acme.wabaId() + "/subscribed_apps", token,
                "{\"override_callback_uri\":\"" + receiver.url() + "\",\"verify_token\":\"vt\"}");
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(receiver.handshakes.get() - before).isEqualTo(2);
        JsonNode apps = json(call("GET", "/" + acme.wabaId() + "/subscribed_apps", token, null)).path("data");
        assertThat(apps.get(0).path("whatsapp_business_api_data").path("id").asText()).isEqualTo(APP_ID);
        assertThat(apps.get(0).path("override_callback_uri").asText()).isEqualTo(receiver.url());
        call("DELETE", "/" + acme.wabaId() + "/subscribed_apps", token, null);
        assertThat(json(call("GET", "/" + acme.wabaId() + "/subscribed_apps", token, null)).path("data")).isEmpty();
    }

    @Test
    void registersWithASixDigitPinAtMostTenTimesIn72Hours() throws Exception {
        String path = "/" + acme.phoneNumberId() + "/register";
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"12345\"}"), 400, 100);
        assertThat(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}").statusCode()).isEqualTo(200);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"654321\"}"), 400, 133005);
        for (int i = 3; i <= 10; i++) {
            call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}");
        }
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}"), 400, 133016);
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}"), 400, 133016);
        clock.now = clock.now.plus(Duration.ofHours(72));
        assertThat(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void sharesThePartnersCreditLine() throws Exception {
        String partner = sandbox.partnerSystemUserToken();
        JsonNode lines = json(call("GET", "/" + sandbox.partnerBusinessId() + "/extendedcredits", partner, null));
        String line = lines.path("data").get(0).path("id").asText();
        assertThat(line).isEqualTo(sandbox.partnerCreditLineId());
        assertError(call("POST", "/" + line + "/whatsapp_credit_sharing_and_attach?waba_currency=XYZ&waba_id=" + acme.wabaId(), partner, null), 400, 100);
        JsonNode shared = json(call("POST", "/" + line + "/whatsapp_credit_sharing_and_attach?waba_currency=IDR&waba_id=" + acme.wabaId(), partner, null));
        assertThat(shared.path("waba_id").asText()).isEqualTo(acme.wabaId());
        assertThat(shared.path("allocation_config_id").asText()).isNotBlank();
    }

    // ----- messages ---------------------------------------------------------------------------------------------------

    private void ready() {
        sandbox.subscribe(acme.wabaId());
        sandbox.register(acme.phoneNumberId());
    }

    @Test
    void validatesSendsAsMetaDoes() throws Exception {
        String path = "/" + acme.phoneNumberId() + "/messages";
        assertError(call("POST", path, token, "{\"to\":\"6281234567890\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}"), 400, 100);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"text\":{\"body\":\"hi\"}}"), 400, 133010);
        ready();
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"12ab\",\"text\":{\"body\":\"hi\"}}"), 400, 100);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"type\":\"fax\",\"fax\":{}}"), 400, 100);
        String longText = "x".repeat(4097);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"text\":{\"body\":\"" + longText + "\"}}"), 400, 100);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"type\":\"image\",\"image\":{}}"), 400, 100);
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"type\":\"template\","
                + "\"template\":{\"name\":\"nope\",\"language\":{\"code\":\"en\"}}}"), 404, 132001);
        sandbox.addTemplate(acme.wabaId(), "order_update", "en", "UTILITY", "Order {{1}} is {{2}}", "APPROVED");
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"type\":\"template\","
                + "\"template\":{\"name\":\"order_update\",\"language\":{\"code\":\"en\"},\"components\":[{\"type\":\"body\",\"parameters\":"
                + "[{\"type\":\"text\",\"text\":\"A1\"}]}]}}"), 400, 132000);
        sandbox.addTemplate(acme.wabaId(), "paused_one", "en", "MARKETING", "Sale!", "PAUSED");
        assertError(call("POST", path, token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"type\":\"template\","
                + "\"template\":{\"name\":\"paused_one\",\"language\":{\"code\":\"en\"}}}"), 400, 132015);
    }

    @Test
    void aRepliedMessageProgressesSentDeliveredReadWithPricing() throws Exception {
        ready();
        String inbound = sandbox.userSendsText("6281234567890", acme.phoneNumberId(), "halo");
        assertThat(eventually(() -> receiver.all().contains(inbound))).isTrue();
        JsonNode response = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"text\":{\"body\":\"hi\"},"
                + "\"context\":{\"message_id\":\"" + inbound + "\"}}"));
        String wamid = response.path("messages").get(0).path("id").asText();
        assertThat(wamid).startsWith("wamid.");
        assertThat(response.path("contacts").get(0).path("wa_id").asText()).isEqualTo("6281234567890");
        assertThat(eventually(() -> receiver.all().contains("\"status\":\"read\""))).isTrue();
        String all = receiver.all();
        assertThat(all).contains("\"status\":\"sent\"").contains("\"status\":\"delivered\"").contains("\"recipient_user_id\":\"US.")
                .contains("\"pricing_model\":\"PMP\"").contains("\"type\":\"free_customer_service\"");
        assertThat(sandbox.state().sent.get(wamid).statuses).containsExactly("sent", "delivered", "read");

        String read = "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"" + inbound + "\",\"typing_indicator\":{\"type\":\"text\"}}";
        assertThat(JSON.readTree(send(read)).path("success").asBoolean()).isTrue();
        assertError(call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.unknown\"}"), 400, 100);
    }

    @Test
    void windowUnknownRecipientAndMarketingStopFailAsynchronously() throws Exception {
        ready();
        sandbox.user("6281111111111");
        String late = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6281111111111\",\"text\":{\"body\":\"hi\"}}"))
                .path("messages").get(0).path("id").asText();
        String nobody = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6289999999999\",\"text\":{\"body\":\"hi\"}}"))
                .path("messages").get(0).path("id").asText();
        sandbox.addTemplate(acme.wabaId(), "promo", "en", "MARKETING", "Big sale {{1}}", "APPROVED");
        sandbox.setMarketingPreference("6281111111111", acme.phoneNumberId(), true);
        String promo = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6281111111111\",\"type\":\"template\",\"template\":"
                + "{\"name\":\"promo\",\"language\":{\"code\":\"en\"},\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"50%\"}]}]}}"))
                .path("messages").get(0).path("id").asText();
        assertThat(eventually(() -> receiver.all().contains("131050"))).isTrue();
        assertThat(eventually(() -> receiver.all().contains("131047") && receiver.all().contains("131026"))).isTrue();
        assertThat(sandbox.state().sent.get(late).statuses).containsExactly("failed");
        assertThat(sandbox.state().sent.get(nobody).statuses).containsExactly("failed");
        assertThat(sandbox.state().sent.get(promo).statuses).containsExactly("failed");
        assertThat(receiver.all()).contains("\"user_preferences\"").contains("\"value\":\"stop\"");

        // The window opens when the user writes, and closes 24 h later.
        sandbox.userSendsText("6281111111111", acme.phoneNumberId(), "hello again");
        String inWindow = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6281111111111\",\"text\":{\"body\":\"hi\"}}"))
                .path("messages").get(0).path("id").asText();
        assertThat(eventually(() -> sandbox.state().sent.get(inWindow).statuses.contains("delivered"))).isTrue();
        clock.now = clock.now.plus(Duration.ofHours(25));
        String after = JSON.readTree(send("{\"messaging_product\":\"whatsapp\",\"to\":\"6281111111111\",\"text\":{\"body\":\"hi\"}}"))
                .path("messages").get(0).path("id").asText();
        assertThat(eventually(() -> sandbox.state().sent.get(after).statuses.contains("failed"))).isTrue();
    }

    @Test
    void pacesThroughputPerNumberAndPerPair() throws Exception {
        ready();
        for (int i = 0; i < 80; i++) {
            sandbox.userSendsText("62800000" + (1000 + i), acme.phoneNumberId(), "hi");
        }
        int accepted = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 81; i++) {
            last = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                    "{\"messaging_product\":\"whatsapp\",\"to\":\"62800000" + (1000 + i % 80) + "\",\"text\":{\"body\":\"hi\"}}");
            if (last.statusCode() == 200) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(80);
        assertError(last, 400, 130429);

        clock.now = clock.now.plusSeconds(1);
        int pairAccepted = 0;
        HttpResponse<String> pair = null;
        sandbox.user("6281234500000");
        for (int i = 0; i < 46; i++) {
            pair = call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                    "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234500000\",\"text\":{\"body\":\"hi\"}}");
            if (pair.statusCode() == 200) {
                pairAccepted++;
            }
        }
        assertError(pair, 400, 131056);
        assertThat(pairAccepted).isEqualTo(45);
    }

    // ----- webhooks, faults, record -------------------------------------------------------------------------------------

    @Test
    void signsTheExactBytesRetriesAndBatches() throws Exception {
        ready();
        receiver.failNext.set(2);
        String wamid = sandbox.userSendsText("6281234567890", acme.phoneNumberId(), "retry me");
        assertThat(eventually(() -> receiver.all().contains(wamid))).isTrue();
        WebhookDispatcher.Delivery first = sandbox.webhooks().deliveries().get(0);
        // The receiver holds the body before its 200 reaches the dispatcher, which records it then.
        assertThat(eventually(() -> first.delivered)).isTrue();
        assertThat(first.statuses).containsExactly(500, 500, 200);
        for (Receiver.Post p : receiver.posts) {
            assertThat(p.signature()).isEqualTo(Receiver.sign(SECRET, p.body()));
        }
        JsonNode body = JSON.readTree(receiver.posts.get(0).body());
        assertThat(body.path("object").asText()).isEqualTo("whatsapp_business_account");
        JsonNode value = body.path("entry").get(0).path("changes").get(0).path("value");
        assertThat(body.path("entry").get(0).path("id").asText()).isEqualTo(acme.wabaId());
        assertThat(value.path("metadata").path("phone_number_id").asText()).isEqualTo(acme.phoneNumberId());
        assertThat(value.path("contacts").get(0).path("user_id").asText()).startsWith("US.");
        assertThat(value.path("messages").get(0).path("text").path("body").asText()).isEqualTo("retry me");

        int posts = receiver.posts.size();
        for (int i = 0; i < 20; i++) {
            sandbox.userSends("62812345" + (10000 + i), acme.phoneNumberId(), "location",
                    Map.of("latitude", -6.2, "longitude", 106.8, "name", "Monas"), null);
        }
        assertThat(eventually(() -> receiver.all().split("Monas", -1).length - 1 == 20)).isTrue();
        assertThat(receiver.posts.size() - posts).isLessThan(20);
    }

    @Test
    void duplicatesAndReordersWhenAsked() throws Exception {
        ready();
        sandbox.webhooks().chaos(new WebhookDispatcher.Chaos(1.0, true, 0));
        String wamid = sandbox.userSendsText("6281234567890", acme.phoneNumberId(), "twice");
        assertThat(eventually(() -> receiver.all().split(wamid, -1).length - 1 == 2)).isTrue();
        assertThat(sandbox.webhooks().deliveries()).anyMatch(d -> d.duplicate);
    }

    @Test
    void injectsFaultsAndRecordsCallsWithSecretsMasked() throws Exception {
        sandbox.faults().add(Faults.Rule.status("/messages$", 503, 1));
        sandbox.faults().add(Faults.Rule.graphError("/phone_numbers$", 4, 1));
        ready();
        sandbox.userSendsText("6281234567890", acme.phoneNumberId(), "hi");
        assertError(call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"text\":{\"body\":\"hi\"}}"), 503, 2);
        assertThat(call("POST", "/" + acme.phoneNumberId() + "/messages", token,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\",\"text\":{\"body\":\"hi\"}}").statusCode()).isEqualTo(200);
        assertError(call("GET", "/" + acme.wabaId() + "/phone_numbers", token, null), 400, 4);

        sandbox.faults().add(Faults.Rule.timeout("/register$", 1500, 1));
        HttpRequest hang = HttpRequest.newBuilder(URI.create(sandbox.graphUrl("v25.0") + "/" + acme.phoneNumberId() + "/register"))
                .timeout(Duration.ofMillis(500)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(hang, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);

        call("GET", "/oauth/access_token?client_id=" + APP_ID + "&client_secret=" + SECRET + "&code=abc", null, null);
        call("POST", "/" + acme.phoneNumberId() + "/register?access_token=" + token, null, "{\"messaging_product\":\"whatsapp\",\"pin\":\"654321\"}");
        String record = JSON.writeValueAsString(sandbox.calls());
        assertThat(record).doesNotContain(SECRET).doesNotContain(token).doesNotContain("654321");
        assertThat(sandbox.calls()).anyMatch(c -> c.path().endsWith("/register") && c.body().contains("\"pin\":\"***\"")
                && "***".equals(c.params().get("access_token")));
        assertThat(sandbox.calls()).anyMatch(c -> c.path().endsWith("/messages") && c.status() == 503);
    }

    @Test
    void managementCallsAreRateLimitedPerWaba() throws Exception {
        sandbox.managementLimitPerHour(3);
        for (int i = 0; i < 3; i++) {
            assertThat(call("GET", "/" + acme.wabaId() + "/phone_numbers", token, null).statusCode()).isEqualTo(200);
        }
        assertError(call("GET", "/" + acme.wabaId() + "/phone_numbers", token, null), 400, 80007);
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertThat(call("GET", "/" + acme.wabaId() + "/phone_numbers", token, null).statusCode()).isEqualTo(200);
    }

    @Test
    void uploadsMediaAndServesItsFiveMinuteUrlToTokenHolders() throws Exception {
        ready();
        String boundary = "----sandbox";
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n";
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(head.getBytes(StandardCharsets.ISO_8859_1));
        body.write(png);
        body.write(tail);
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(sandbox.graphUrl("v25.0") + "/" + acme.phoneNumberId() + "/media"))
                .header("Authorization", "Bearer " + token).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        String mediaId = json(up).path("id").asText();
        JsonNode meta = json(call("GET", "/" + mediaId, token, null));
        assertThat(meta.path("mime_type").asText()).isEqualTo("image/png");
        assertThat(meta.path("file_size").asInt()).isEqualTo(png.length);
        URI url = URI.create(meta.path("url").asText());
        assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(png);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(404);
        assertThat(json(call("POST", "/" + acme.phoneNumberId() + "/messages", token, "{\"messaging_product\":\"whatsapp\",\"to\":\"6281234567890\","
                + "\"type\":\"image\",\"image\":{\"id\":\"" + mediaId + "\"}}")).path("messages").get(0).path("id").asText()).startsWith("wamid.");
    }

    @Test
    void createsTemplatesThatMetaApprovesByWebhook() throws Exception {
        sandbox.subscribe(acme.wabaId());
        HttpResponse<String> created = call("POST", "/" + acme.wabaId() + "/message_templates", token,
                "{\"name\":\"order_ready\",\"language\":\"en_US\",\"category\":\"UTILITY\",\"components\":[{\"type\":\"BODY\",\"text\":\"Order {{1}} is ready\"}]}");
        assertThat(json(created).path("status").asText()).isEqualTo("PENDING");
        assertError(call("POST", "/" + acme.wabaId() + "/message_templates", token,
                "{\"name\":\"Bad Name\",\"language\":\"en_US\",\"category\":\"UTILITY\",\"components\":[{\"type\":\"BODY\",\"text\":\"x\"}]}"), 400, 100);
        assertThat(eventually(() -> receiver.all().contains("message_template_status_update"))).isTrue();
        assertThat(receiver.all()).contains("\"event\":\"APPROVED\"").contains("order_ready");
        assertThat(json(call("GET", "/" + acme.wabaId() + "/message_templates", token, null)).path("data").get(0).path("status").asText())
                .isEqualTo("APPROVED");
    }

    @Test
    void deletesTemplatesByNameOrOneLanguageByHsmIdWithinTheManagementLimit() throws Exception {
        sandbox.addTemplate(acme.wabaId(), "promo", "en_US", "MARKETING", "Sale {{1}}", "APPROVED");
        sandbox.addTemplate(acme.wabaId(), "promo", "id", "MARKETING", "Diskon {{1}}", "APPROVED");
        sandbox.addTemplate(acme.wabaId(), "receipt", "en_US", "UTILITY", "Paid {{1}}", "APPROVED");
        String base = "/" + acme.wabaId() + "/message_templates";
        String idLanguage = sandbox.state().waba(acme.wabaId()).orElseThrow().templates.values().stream()
                .filter(t -> t.name.equals("promo") && t.language.equals("id")).findFirst().orElseThrow().id;

        assertThat(json(call("DELETE", base + "?name=promo&hsm_id=" + idLanguage, token, null)).path("success").asBoolean()).isTrue();
        assertThat(json(call("GET", base, token, null)).path("data").findValuesAsText("language")).containsExactly("en_US", "en_US");
        assertThat(json(call("DELETE", base + "?name=promo", token, null)).path("success").asBoolean()).isTrue();
        assertThat(json(call("GET", base, token, null)).path("data").findValuesAsText("name")).containsExactly("receipt");

        HttpResponse<String> unknown = call("DELETE", base + "?name=promo", token, null);
        assertError(unknown, 400, 100);
        assertThat(json(unknown).path("error").path("error_subcode").asInt()).isEqualTo(2593002);
        assertError(call("DELETE", base, token, null), 400, 100);
        String other = sandbox.businessToken(sandbox.createCustomer("Other", "15550002222").businessId(), null);
        assertError(call("DELETE", base + "?name=receipt", other, null), 400, 100);
        sandbox.managementLimitPerHour(1);
        assertError(call("DELETE", base + "?name=receipt", token, null), 400, 80007);
    }

    @Test
    void acceptsAnyGraphVersionAndAnswersUnknownPathsWithMetasError() throws Exception {
        HttpResponse<String> v21 = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v21.0/" + acme.phoneNumberId()))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(v21.statusCode()).isEqualTo(200);
        HttpResponse<String> unversioned = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/" + acme.phoneNumberId()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unversioned.statusCode()).isEqualTo(404);
        assertError(call("GET", "/" + acme.phoneNumberId() + "/nothing/here", token, null), 400, 100);
    }

    @Test
    void servesTheSignupPopupAndSdkStandIns() throws Exception {
        HttpResponse<String> sdk = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/en_US/sdk.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sdk.statusCode()).isEqualTo(200);
        assertThat(sdk.headers().firstValue("content-type")).contains("application/javascript");
        assertThat(sdk.body()).contains("FB = {").contains("config_id").contains("override_default_response_type");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/_sandbox/signup?config_id=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("WA_EMBEDDED_SIGNUP").contains("FINISH").contains("CANCEL").contains("current_step");
    }

    @Test
    void templateQualityAndCategoryChangesReachTheApp() throws Exception {
        sandbox.addTemplate(acme.wabaId(), "promo", "en", "UTILITY", "Hi {{1}}", "APPROVED");
        sandbox.setTemplateQuality(acme.wabaId(), "promo", "en", "RED");
        sandbox.setTemplateCategory(acme.wabaId(), "promo", "en", "MARKETING");
        assertThat(eventually(() -> receiver.all().contains("message_template_quality_update")
                && receiver.all().contains("template_category_update"))).isTrue();
        assertThat(receiver.all()).contains("\"new_quality_score\":\"RED\"").contains("\"new_category\":\"MARKETING\"");
    }
}
