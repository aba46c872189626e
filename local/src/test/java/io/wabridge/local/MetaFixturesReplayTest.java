package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.sandbox.MetaJson;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import io.wabridge.sandbox.WebhookDispatcher;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Meta's documented bodies ({@code meta-fixtures/}) replayed through the local runtime as Meta sends them, their effect
 * read through the public API; and the sandbox's own webhooks held against the same fixtures, so it cannot drift from
 * Meta's shapes again.
 */
@EndToEnd
class MetaFixturesReplayTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;
    static final String TENANT = "replay";
    static final String USER = "16505551234";

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shop = SendEndToEndTest.connectFor(meta, TENANT, "Replay Shop", "15550783881");
    }


    /** A fixture routed to this test's channel (Meta's example WABA and number ids replaced by the sandbox's). */
    static MetaReplay.Fixture routed(String path) {
        return MetaReplay.fixture(path).replace("102290129340398", shop.wabaId()).replace("106540352242922", shop.phoneNumberId());
    }

    static JsonNode api(String path) throws Exception {
        return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", path, TENANT, null));
    }

    static boolean found(String path) {
        try {
            return SignupEndToEndTest.call("GET", path, TENANT, null).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void everyFixtureNamesItsSource() throws Exception {
        URL root = MetaFixturesReplayTest.class.getResource("/meta-fixtures");
        try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).toList();
            assertThat(json).isNotEmpty();
            for (Path p : json) {
                String relative = Path.of(root.toURI()).relativize(p).toString().replace('\\', '/');
                assertThat(MetaReplay.fixture(relative).source()).as(relative).startsWith("https://");
            }
        }
    }

    /** Meta's text webhook, with non-ASCII text and a URL, signed over Meta's escaped bytes, is stored and readable as sent. */
    @Test
    void metasTextWebhookInMetasWireEncodingIsStoredAndReadable() throws Exception {
        String text = "Olá! Does it come in another color? 👍 https://wa.me/c/15550783881";
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA" + System.nanoTime();
        MetaReplay.Fixture f = routed("webhooks/messages-text.json")
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", wamid)
                .replace("1739321024", Long.toString(Instant.now().getEpochSecond()))
                .set("/entry/0/changes/0/value/messages/0/text/body", text);
        String wire = new String(f.wireBytes(), StandardCharsets.US_ASCII);
        assertThat(wire).contains("Ol\\u00e1").contains("\\ud83d\\udc4d").contains("https:\\/\\/wa.me");

        HttpResponse<String> r = MetaReplay.post(runtime, f);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> found("/v1/messages/" + wamid))).isTrue();
        assertThat(api("/v1/messages/" + wamid).toString()).contains(text);
    }

    /**
     * The sandbox's template webhooks have Meta's shape: entry.time and message_template_category are there, nothing
     * Meta does not send is added, and the bytes are in Meta's wire encoding with Meta's Content-Type.
     */
    @Test
    void theSandboxsTemplateWebhookHasMetasShapeAndEncoding() throws Exception {
        meta.addTemplate(shop.wabaId(), "order_confirmation", "en_US", "UTILITY", "Order {{1}} confirmed", "PENDING");
        int before = meta.webhooks().deliveries().size();
        meta.setTemplateStatus(shop.wabaId(), "order_confirmation", "en_US", "APPROVED", null);
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> meta.webhooks().deliveries().stream().skip(before)
                .anyMatch(d -> d.bodyText().contains("message_template_status_update")))).isTrue();
        WebhookDispatcher.Delivery d = meta.webhooks().deliveries().stream().skip(before)
                .filter(x -> x.bodyText().contains("message_template_status_update")).findFirst().orElseThrow();
        JsonNode sandbox = SignupEndToEndTest.JSON.readTree(d.body);
        SortedSet<String> expected = MetaReplay.shape(MetaReplay.fixture("webhooks/message_template_status_update-approved.json").body());
        assertThat(MetaReplay.shape(sandbox)).isEqualTo(expected);
        assertThat(sandbox.at("/entry/0/changes/0/value/message_template_category").asText()).isEqualTo("UTILITY");
        assertThat(d.body).isEqualTo(MetaJson.wireBytes(sandbox));
    }

    /** A status webhook from the sandbox has the keys of Meta's documented sent status (pricing with type, no invented fields). */
    @Test
    void theSandboxsStatusWebhookHasMetasShape() throws Exception {
        String userWamid = meta.userSendsText(USER, shop.phoneNumberId(), "hi");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> found("/v1/messages/" + userWamid))).isTrue();
        int before = meta.webhooks().deliveries().size();
        var sent = SignupEndToEndTest.call("POST", "/v1/messages", TENANT, Map.of("channel", shop.phoneNumberId(), "to", USER, "type", "text",
                "text", Map.of("body", "shape check")));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> meta.webhooks().deliveries().stream().skip(before)
                .anyMatch(d -> d.bodyText().contains("\"status\":\"sent\"")))).isTrue();
        JsonNode body = SignupEndToEndTest.JSON.readTree(meta.webhooks().deliveries().stream().skip(before)
                .filter(d -> d.bodyText().contains("\"status\":\"sent\"")).findFirst().orElseThrow().body);
        SortedSet<String> sandbox = MetaReplay.shape(body);
        SortedSet<String> documented = MetaReplay.shape(MetaReplay.fixture("webhooks/messages-status-sent.json").body());
        // Optional parts Meta documents for a sent status that the fixture leaves out: the contact block (BSUID era) and
        // biz_opaque_callback_data when the send had one.
        sandbox.removeIf(k -> k.contains(".contacts") || k.endsWith("recipient_user_id") || k.endsWith("biz_opaque_callback_data"));
        assertThat(sandbox).isEqualTo(documented);
    }

    static HttpResponse<String> sendTemplate(String name, List<Object> components) throws Exception {
        return SignupEndToEndTest.call("POST", "/v1/messages", TENANT, Map.of("channel", shop.phoneNumberId(), "to", USER, "type", "template",
                "template", Map.of("name", name, "language", Map.of("code", "en_US"), "components", components)));
    }

    static Map<String, Object> body(String... texts) {
        return Map.of("type", "body", "parameters", Stream.of(texts).map(t -> Map.of("type", "text", "text", t)).toList());
    }

    /**
     * Template sends are checked against the templates synced from Meta: before any sync the send goes out unchecked
     * (and says so); after a sync an unknown template and a wrong parameter count are refused before any call.
     */
    @Test
    void templateSendsAreCheckedAgainstTheSyncedTemplates() throws Exception {
        var optIn = SignupEndToEndTest.call("POST", "/v1/contacts/" + USER + "/consent", TENANT, Map.of("action", "opt_in", "source", "signup_form",
                "scope", "marketing", "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "f-1")));
        assertThat(optIn.statusCode()).as(optIn.body()).isIn(200, 201);
        meta.addTemplate(shop.wabaId(), "order_ready", "en_US", "UTILITY", "Hi {{1}}, order {{2}} is ready", "APPROVED");

        HttpResponse<String> unchecked = sendTemplate("not_synced_yet", List.of(body("x")));
        assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(202);
        assertThat(SignupEndToEndTest.json(unchecked).path("templateChecked").asBoolean(true)).isFalse();

        var synced = SignupEndToEndTest.call("POST", "/v1/templates/sync?waba=" + shop.wabaId(), TENANT, null);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);

        HttpResponse<String> unknown = sendTemplate("no_such_template", List.of(body("x")));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
        assertThat(SignupEndToEndTest.json(unknown).path("error").path("code").asText()).isEqualTo("template_unknown");

        HttpResponse<String> tooFew = sendTemplate("order_ready", List.of(body("Ana")));
        assertThat(tooFew.statusCode()).as(tooFew.body()).isEqualTo(422);
        JsonNode error = SignupEndToEndTest.json(tooFew).path("error");
        assertThat(error.path("code").asText()).isEqualTo("template_params_mismatch");
        assertThat(error.path("field").asText()).isEqualTo("template.components.body.parameters");

        HttpResponse<String> fits = sendTemplate("order_ready", List.of(body("Ana", "A-17")));
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(202);
        assertThat(SignupEndToEndTest.json(fits).path("templateChecked").asBoolean(false)).isTrue();
        // The refused sends never reached Meta; the one that fits did.
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> meta.calls().stream().anyMatch(c -> c.body() != null && c.body().contains("A-17")))).isTrue();
        assertThat(meta.calls().stream().filter(c -> c.body() != null && (c.body().contains("no_such_template")
                || c.body().contains("order_ready") && !c.body().contains("A-17")))).isEmpty();
    }

    /** Meta's documented template listing is read with each template's parameters (what the send check relies on). */
    @Test
    void metasTemplateListingGivesEachTemplatesParameters() {
        JsonNode listing = MetaReplay.fixture("graph/message-templates-list.json").body();
        var promo = io.wabridge.adapters.meta.GraphTemplates.template("102290129340398", listing.path("data").get(1));
        assertThat(promo.name()).isEqualTo("2023_april_promo");
        assertThat(promo.shape()).isEqualTo(new io.wabridge.core.send.TemplateShape("TEXT", 0, List.of("1", "2"), List.of()));
        var hello = io.wabridge.adapters.meta.GraphTemplates.template("102290129340398", listing.path("data").get(0));
        assertThat(hello.shape().body()).isEmpty();
    }

    /** The sandbox's expired-token answer has the shape and wording of Meta's documented one, and its header. */
    @Test
    void theSandboxsExpiredTokenAnswerHasMetasShape() throws Exception {
        SandboxState.Customer other = meta.createCustomer("Expired Co", "15550783999");
        String token = meta.businessToken(other.businessId(), null);
        meta.setTokenExpiry(other.businessId(), Duration.ofSeconds(-60));
        HttpResponse<String> r = Http.get(java.net.URI.create(meta.graphUrl("v23.0") + "/" + other.phoneNumberId()),
                "authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode answer = SignupEndToEndTest.JSON.readTree(r.body());
        JsonNode documented = MetaReplay.fixture("graph/error-190-expired.json").body();
        assertThat(MetaReplay.shape(answer)).isEqualTo(MetaReplay.shape(documented));
        assertThat(answer.at("/error/message").asText()).matches("Error validating access token: Session has expired on [A-Z][a-z]+day, "
                + "\\d{2}-[A-Z][a-z]{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} P[SD]T\\. The current time is [A-Z][a-z]+day, .* P[SD]T\\.");
        assertThat(r.headers().firstValue("www-authenticate").orElse("")).startsWith("OAuth \"Facebook Platform\" \"invalid_token\"");
    }

    /** Meta may refuse a send in its answer (131026) rather than by a failed status: the send fails with Meta's code. */
    @Test
    void aSynchronous131026FailsTheSendWithMetasCode() throws Exception {
        String user = "16505550131";
        String inbound = meta.userSendsText(user, shop.phoneNumberId(), "hello");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> found("/v1/messages/" + inbound))).isTrue();
        meta.user(user).onWhatsApp = false;
        meta.user(user).refusesSynchronously = true;
        var sent = SignupEndToEndTest.call("POST", "/v1/messages", TENANT, Map.of("channel", shop.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", "are you there?")));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String id = SignupEndToEndTest.json(sent).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return api("/v1/messages/" + id).path("state").asText().equals("failed");
            } catch (Exception e) {
                return false;
            }
        })).as("the send fails").isTrue();
        assertThat(api("/v1/messages/" + id).path("lastError").path("code").asInt()).isEqualTo(131026);
        assertThat(meta.calls().stream().filter(c -> c.body() != null && c.body().contains("are you there?") && c.status() == 400).count())
                .as("refused in Meta's answer, once (not retried)").isEqualTo(1);
    }

    /**
     * Meta may answer a marketing template send with message_status held_for_quality_assessment (Meta's OpenAPI,
     * ../shared/reference/meta-business-messaging-api_v23.0.yaml, MarketingMessageResponsePayload): the send has a wamid,
     * so it is sent, once, never retried or failed; the read API shows Meta's status, and the status webhooks follow.
     */
    @Test
    void aMarketingSendHeldForQualityAssessmentIsSentOnceAndSaysSo() throws Exception {
        String user = "16505550177";
        // A channel of its own: syncing its templates leaves the shared channel's "not synced yet" case alone.
        SandboxState.Customer held = SendEndToEndTest.connectFor(meta, TENANT, "Held Shop", "15550783882");
        meta.addTemplate(held.wabaId(), "promo_held", "en_US", "MARKETING", "Big winter sale", "APPROVED");
        assertThat(SignupEndToEndTest.call("POST", "/v1/templates/sync?waba=" + held.wabaId(), TENANT, null).statusCode()).isEqualTo(200);
        var consent = SignupEndToEndTest.call("POST", "/v1/contacts/" + user + "/consent", TENANT, Map.of("action", "opt_in",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "winter-form")));
        assertThat(consent.statusCode()).as(consent.body()).isIn(200, 201);
        HttpResponse<String> scenario = Http.post(java.net.URI.create(meta.baseUrl() + "/_sandbox/users/" + user),
                "{\"marketing_held_for_quality_assessment\":true}".getBytes(StandardCharsets.UTF_8), "content-type", "application/json");
        assertThat(scenario.statusCode()).as(scenario.body()).isEqualTo(200);

        var sent = SignupEndToEndTest.call("POST", "/v1/messages", TENANT, Map.of("channel", held.phoneNumberId(), "to", user,
                "type", "template", "template", Map.of("name", "promo_held", "language", Map.of("code", "en_US"))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String id = SignupEndToEndTest.json(sent).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                JsonNode m = api("/v1/messages/" + id);
                return m.path("state").asText().equals("sent") && m.path("status").path("current").asText().equals("read");
            } catch (Exception e) {
                return false;
            }
        })).as("sent, and Meta's statuses follow").isTrue();
        JsonNode m = api("/v1/messages/" + id);
        assertThat(m.path("metaStatus").asText()).as(m.toString()).isEqualTo("held_for_quality_assessment");
        assertThat(m.path("wamid").asText()).startsWith("wamid.");
        assertThat(m.path("attempts").asInt()).isEqualTo(1);
        assertThat(m.has("lastError")).isFalse();
        assertThat(meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.body() != null
                && c.body().contains("promo_held") && c.body().contains(user)).count()).as("sent exactly once").isEqualTo(1);
    }
}
