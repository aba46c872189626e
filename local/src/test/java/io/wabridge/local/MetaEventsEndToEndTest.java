package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Meta's template, account, number and status webhooks as Meta documents them (the bodies in
 * {@code meta-fixtures/}, each naming its source page), replayed signed to {@code /webhook} of the local runtime
 * for a channel connected through signup, and their effect read back through the public API, as a SaaS sees it.
 * The fixtures' example ids (WABA, phone number id, display number, template name) are swapped for the channel's.
 */
@EndToEnd
class MetaEventsEndToEndTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
    }


    /** A fixture with Meta's example ids replaced by the channel's (and any other replacements given). */
    static String fixture(String name, SandboxState.Customer c, String... replacements) throws Exception {
        String body = MetaReplay.fixture("webhooks/" + name + ".json").body().toString();
        body = body.replace("102290129340398", c.wabaId()).replace("106540352242922", c.phoneNumberId())
                .replace("15550783881", displayDigits(c));
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(body).as(name + " holds " + replacements[i]).contains(replacements[i]);
            body = body.replace(replacements[i], replacements[i + 1]);
        }
        return body;
    }

    static String displayDigits(SandboxState.Customer c) throws Exception {
        return channel(c).path("displayPhoneNumber").asText().replaceAll("[^0-9]", "");
    }

    /** POSTs the body to /webhook signed with the app secret, as Meta does. */
    static void replay(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var response = Http.post(URI.create(runtime.baseUrl() + "/webhook"), bytes, "content-type", "application/json",
                "x-hub-signature-256", WebhookSignature.withSecret(runtime.metaAppSecret()).sign(bytes));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static String tenant(SandboxState.Customer c) {
        return TENANTS.get(c.phoneNumberId());
    }

    static final Map<String, String> TENANTS = new java.util.concurrent.ConcurrentHashMap<>();

    static SandboxState.Customer connect(String tenant, String name, String number) throws Exception {
        SandboxState.Customer c = SendEndToEndTest.connectFor(meta, tenant, name, number);
        TENANTS.put(c.phoneNumberId(), tenant);
        return c;
    }

    static HttpResponse<String> call(SandboxState.Customer c, String method, String path, Object body) throws Exception {
        return SignupEndToEndTest.call(method, path, tenant(c), body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return SignupEndToEndTest.json(r);
    }

    static JsonNode channel(SandboxState.Customer c) throws Exception {
        return json(call(c, "GET", "/v1/channels/" + c.phoneNumberId(), null));
    }

    static JsonNode template(SandboxState.Customer c, String name) throws Exception {
        for (JsonNode t : json(call(c, "GET", "/v1/templates?waba=" + c.wabaId(), null)).path("items")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        return SignupEndToEndTest.JSON.createObjectNode();
    }

    static HttpResponse<String> sendTemplate(SandboxState.Customer c, String to, String name) throws Exception {
        return call(c, "POST", "/v1/messages", Map.of("channel", c.phoneNumberId(), "to", to, "type", "template",
                "template", Map.of("name", name, "language", Map.of("code", "en_US"))));
    }

    static HttpResponse<String> sendText(SandboxState.Customer c, String to, String text, String callbackData) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("channel", c.phoneNumberId(), "to", to, "type", "text", "text", Map.of("body", text)));
        if (callbackData != null) {
            body.put("biz_opaque_callback_data", callbackData);
        }
        return call(c, "POST", "/v1/messages", body);
    }

    static JsonNode canSendTemplate(SandboxState.Customer c, String to, String name) throws Exception {
        return json(call(c, "GET", "/v1/contacts/" + to + "/can-send?template=" + name + "&language=en_US&channel=" + c.phoneNumberId(), null));
    }

    static JsonNode send(SandboxState.Customer c, String id) throws Exception {
        return json(call(c, "GET", "/v1/messages/" + id, null));
    }

    static boolean eventually(Callable<Boolean> check) throws InterruptedException {
        return Http.eventuallyCalling(Duration.ofSeconds(30), check);
    }

    static List<JsonNode> events(String type, String phoneNumberId) {
        return runtime.aws().events().received().stream().filter(e -> e.path("detail-type").asText().equals(type)
                && (e.path("detail").path("phoneNumberId").asText().equals(phoneNumberId)
                || e.path("detail").path("channel").asText().equals(phoneNumberId))).toList();
    }

    static long sentToMeta(String text) {
        return meta.calls().stream().filter(call -> call.path().endsWith("/messages") && call.body().contains(text) && call.status() == 200).count();
    }

    /** Opens the contact's 24-hour window on the channel (the contact writes first). */
    static void contactWrites(SandboxState.Customer c, String user) throws Exception {
        String wamid = meta.userSendsText(user, c.phoneNumberId(), "halo");
        assertThat(eventually(() -> call(c, "GET", "/v1/messages/" + wamid, null).statusCode() == 200)).isTrue();
    }

    // ----- item 1: template category and the send policy --------------------------------------------------------------

    @Test
    void aMarketingTemplateKnownOnlyFromItsWebhookIsRefusedWithoutConsentAsCanSendSays() throws Exception {
        SandboxState.Customer c = connect("tpl-consent", "Toko Promo", "6281100007001");
        replay(fixture("message_template_status_update.approved-marketing", c, "order_confirmation", "promo_webhook"));
        assertThat(eventually(() -> template(c, "promo_webhook").path("status").asText().equals("APPROVED"))).isTrue();

        String contact = "6281200007001";
        HttpResponse<String> refused = sendTemplate(c, contact, "promo_webhook");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(json(refused).path("error").path("code").asText()).isEqualTo("no_consent");
        assertThat(template(c, "promo_webhook").path("category").asText()).as("the category kept from the webhook").isEqualTo("MARKETING");
        assertThat(template(c, "promo_webhook").path("language").asText()).as("Meta's en-US kept as the Graph API's en_US").isEqualTo("en_US");
        JsonNode asked = canSendTemplate(c, contact, "promo_webhook");
        assertThat(asked.path("allowed").asBoolean()).isFalse();
        assertThat(asked.path("reason").asText()).as("can-send and the send path agree").isEqualTo("no_consent");
        assertThat(asked.path("category").asText()).isEqualTo("marketing");

        HttpResponse<String> unknown = sendTemplate(c, contact, "never_synced");
        assertThat(json(unknown).path("error").path("code").asText()).as("an unknown category counts as marketing").isEqualTo("no_consent");
        assertThat(canSendTemplate(c, contact, "never_synced").path("reason").asText()).isEqualTo("no_consent");

        assertThat(call(c, "POST", "/v1/contacts/" + contact + "/consent", Map.of("action", "opt_in", "at", "2026-11-01T08:00:00Z",
                "proof", Map.of("formId", "f1"))).statusCode()).isIn(200, 201);
        assertThat(sendTemplate(c, contact, "promo_webhook").statusCode()).isEqualTo(202);
        assertThat(canSendTemplate(c, contact, "promo_webhook").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void anAnnouncedRecategorisationAppliesFromItsTimeAndRejectionAndQualityAreKept() throws Exception {
        SandboxState.Customer c = connect("tpl-recat", "Toko Kategori", "6281100007002");
        String contact = "6281200007002";
        replay(fixture("message_template_status_update.approved-marketing", c, "order_confirmation", "order_update",
                "\"MARKETING\"", "\"UTILITY\""));
        assertThat(eventually(() -> template(c, "order_update").path("category").asText().equals("UTILITY"))).isTrue();
        assertThat(sendTemplate(c, contact, "order_update").statusCode()).as("utility: no opt-in asked by default").isEqualTo(202);

        long future = Instant.now().plus(Duration.ofDays(7)).getEpochSecond();
        replay(fixture("template_category_update.impending", c, "order_confirmation", "order_update", "1739925824", Long.toString(future)));
        assertThat(eventually(() -> template(c, "order_update").path("pendingCategory").path("category").asText().equals("MARKETING"))).isTrue();
        assertThat(template(c, "order_update").path("pendingCategory").path("effectiveAt").asText())
                .isEqualTo(Instant.ofEpochSecond(future).toString());
        assertThat(canSendTemplate(c, contact, "order_update").path("allowed").asBoolean()).as("not due yet").isTrue();

        replay(fixture("template_category_update.impending", c, "order_confirmation", "order_update")); // effective in the past
        assertThat(eventually(() -> canSendTemplate(c, contact, "order_update").path("reason").asText().equals("no_consent"))).isTrue();
        assertThat(json(sendTemplate(c, contact, "order_update")).path("error").path("code").asText()).isEqualTo("no_consent");

        replay(fixture("message_template_quality_update", c, "order_confirmation", "order_update"));
        assertThat(eventually(() -> template(c, "order_update").path("quality").asText().equals("YELLOW"))).isTrue();

        replay(fixture("message_template_status_update.rejected", c, "order_confirmation", "order_update"));
        assertThat(eventually(() -> template(c, "order_update").path("status").asText().equals("REJECTED"))).isTrue();
        assertThat(template(c, "order_update").path("rejectedReason").asText()).isEqualTo("INCORRECT_CATEGORY");
        assertThat(json(sendTemplate(c, contact, "order_update")).path("error").path("code").asText()).isEqualTo("template_not_approved");
    }

    // ----- item 2: account events act on the channel ------------------------------------------------------------------

    @Test
    void accountEventsHoldTheChannelsSendsBeforeAnyGraphCallAndReinstatementOrSignupReleasesThem() throws Exception {
        SandboxState.Customer c = connect("account", "Toko Akun", "6281100007003");
        String user = "6281200007003";
        contactWrites(c, user);

        replay(fixture("account_update.disabled", c));
        assertThat(eventually(() -> channel(c).path("status").asText().equals("disabled"))).isTrue();
        assertThat(channel(c).path("statusReason").asText()).isEqualTo("DISABLED_UPDATE");
        assertThat(eventually(() -> events("channel.disabled", c.phoneNumberId()).size() == 1)).isTrue();
        String banned = json(sendText(c, user, "ditahan saat diblokir", null)).path("id").asText();
        assertThat(eventually(() -> send(c, banned).path("state").asText().equals("held"))).isTrue();
        assertThat(send(c, banned).path("lastError").path("message").asText()).contains("disabled").contains("DISABLED_UPDATE");
        assertThat(sentToMeta("ditahan saat diblokir")).as("held before any Graph call").isZero();

        replay(fixture("account_update.reinstated", c));
        assertThat(eventually(() -> channel(c).path("status").asText().equals("active"))).isTrue();
        assertThat(eventually(() -> send(c, banned).path("state").asText().equals("sent"))).as("released on reinstatement").isTrue();
        assertThat(events("channel.reinstated", c.phoneNumberId())).hasSize(1);

        Instant until = Instant.now().plusSeconds(12).truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // Meta writes whole seconds
        replay(fixture("account_update.restriction", c, "2026-04-19T13:59:20+0000",
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx").withZone(ZoneOffset.UTC).format(until)));
        assertThat(eventually(() -> channel(c).path("status").asText().equals("restricted"))).isTrue();
        assertThat(Instant.parse(channel(c).path("statusUntil").asText())).isEqualTo(until);
        String restricted = json(sendText(c, user, "ditahan saat dibatasi", null)).path("id").asText();
        assertThat(eventually(() -> send(c, restricted).path("state").asText().equals("held"))).isTrue();
        assertThat(sentToMeta("ditahan saat dibatasi")).isZero();
        assertThat(eventually(() -> send(c, restricted).path("state").asText().equals("sent"))).as("sent once the restriction ended").isTrue();
        assertThat(Instant.now()).isAfterOrEqualTo(until);

        replay(fixture("account_update.partner_app_uninstalled", c));
        assertThat(eventually(() -> channel(c).path("status").asText().equals("disconnected"))).isTrue();
        assertThat(channel(c).path("statusReason").asText()).isEqualTo("PARTNER_APP_UNINSTALLED");
        assertThat(eventually(() -> events("channel.disconnected", c.phoneNumberId()).size() == 1)).isTrue();
        String removed = json(sendText(c, user, "ditahan tanpa aplikasi", null)).path("id").asText();
        assertThat(eventually(() -> send(c, removed).path("state").asText().equals("held"))).isTrue();
        var again = SignupEndToEndTest.call("POST", "/v1/signup/complete", tenant(c),
                SignupEndToEndTest.finish(SignupEndToEndTest.session(tenant(c)), c, meta.signupCode(c.businessId())));
        assertThat(json(again).path("outcome").asText()).as(again.body()).isEqualTo("active");
        assertThat(eventually(() -> send(c, removed).path("state").asText().equals("sent"))).as("released by the new signup").isTrue();
        assertThat(sentToMeta("ditahan tanpa aplikasi")).isEqualTo(1);
    }

    // ----- item 3: number events reach the number ---------------------------------------------------------------------

    @Test
    void numberEventsNamedByTheDisplayNumberUpdateTheChannelsLimitThroughputAndName() throws Exception {
        SandboxState.Customer c = connect("numbers", "Toko Nomor", "6281100007004");
        assertThat(channel(c).path("throughput").asText()).isNotEqualTo("HIGH");
        replay(fixture("phone_number_quality_update.upgrade", c));
        assertThat(eventually(() -> channel(c).path("messagingLimit").asText().equals("TIER_10K"))).isTrue();
        replay(fixture("phone_number_quality_update.throughput_upgrade", c));
        assertThat(eventually(() -> channel(c).path("throughput").asText().equals("HIGH"))).as("the sender paces by it").isTrue();
        assertThat(channel(c).path("messagingLimit").asText()).as("a throughput upgrade's limit is not a messaging limit").isEqualTo("TIER_10K");
        replay(fixture("phone_number_name_update", c));
        assertThat(eventually(() -> channel(c).path("health").path("nameStatus").asText().equals("APPROVED"))).isTrue();
    }

    // ----- items 4, 7 and 10: statuses ------------------------------------------------------------------------------

    static final String OUTSIDE = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA";

    @Test
    void callbackDataRoundTripsOnEveryStatusAndAnotherSendersValuePassesThrough() throws Exception {
        SandboxState.Customer c = connect("statuses", "Toko Status", "6281100007005");
        String user = "6281200007005";
        contactWrites(c, user);

        String id = json(sendText(c, user, "dengan data balik", "crm-ticket-42")).path("id").asText();
        assertThat(eventually(() -> send(c, id).path("status").path("current").asText().equals("read"))).isTrue();
        JsonNode sent = send(c, id);
        assertThat(sent.path("bizOpaqueCallbackData").asText()).isEqualTo("crm-ticket-42");
        String wamid = sent.path("wamid").asText();
        assertThat(eventually(() -> events("message.status", c.phoneNumberId()).stream()
                .filter(e -> e.path("detail").path("wamid").asText().equals(wamid)).count() >= 3)).isTrue();
        for (JsonNode e : events("message.status", c.phoneNumberId())) {
            if (e.path("detail").path("wamid").asText().equals(wamid)) {
                assertThat(e.path("detail").path("bizOpaqueCallbackData").asText()).as(e.toString()).isEqualTo("crm-ticket-42");
                assertThat(e.path("detail").path("messageId").asText()).isEqualTo(id);
            }
        }

        // A message sent outside WaBridge: Meta's value comes through as it is.
        String outside = OUTSIDE;
        replay(fixture("messages.status.delivered", c, "16505551234", user));
        assertThat(eventually(() -> events("message.status", c.phoneNumberId()).stream()
                .anyMatch(e -> e.path("detail").path("wamid").asText().equals(outside)))).isTrue();
        JsonNode outsideEvent = events("message.status", c.phoneNumberId()).stream()
                .filter(e -> e.path("detail").path("wamid").asText().equals(outside)).findFirst().orElseThrow().path("detail");
        assertThat(outsideEvent.path("bizOpaqueCallbackData").asText()).isEqualTo("ext-crm-7781");
        assertThat(outsideEvent.has("messageId")).isFalse();
    }

    @Test
    void aServiceMessageMetaChargedAfterOctober2026IsCostedByTheDefaultRateCard() throws Exception {
        SandboxState.Customer c = connect("pricing", "Toko Harga", "6281100007006");
        // Meta's wamids are unique: this status is for another message than the fixture's other uses.
        replay(fixture("messages.status.delivered", c, "16505551234", "6281200007006", OUTSIDE, OUTSIDE.replace("M0YA", "M0ZB")));
        assertThat(eventually(() -> json(call(c, "GET", "/v1/usage?from=2026-10-04&to=2026-10-04", null)).path("items").path(0)
                .path("priced").path("service#regular").asLong() == 1)).isTrue();
        JsonNode usage = json(call(c, "GET", "/v1/usage?from=2026-10-04&to=2026-10-04", null)).path("items").path(0);
        assertThat(usage.path("priced").path("service#regular").asLong()).as(usage.toString()).isEqualTo(1);
        assertThat(usage.path("estimatedCost").decimalValue()).as("service messages are charged from 2026-10-01")
                .isGreaterThan(java.math.BigDecimal.ZERO);
    }

    @Test
    void aSendMetaAcceptedAndThenFailedReadsFailedWithMetasError() throws Exception {
        SandboxState.Customer c = connect("failures", "Toko Gagal", "6281100007007");
        String user = "6281200007007";
        contactWrites(c, user);
        String outside = OUTSIDE;
        String doomed = json(sendText(c, user, "akan gagal", null)).path("id").asText();
        assertThat(eventually(() -> !send(c, doomed).path("wamid").asText().isEmpty())).isTrue();
        String doomedWamid = send(c, doomed).path("wamid").asText();
        replay(fixture("messages.status.failed", c, outside, doomedWamid, "16505551234", user));
        assertThat(eventually(() -> send(c, doomed).path("status").path("current").asText().equals("failed"))).isTrue();
        JsonNode failed = send(c, doomed);
        assertThat(failed.path("state").asText()).as("state agrees with the status").isEqualTo("failed");
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131026);
        assertThat(failed.path("error").path("title").asText()).isEqualTo("Message undeliverable");
        assertThat(failed.path("error").path("details").asText()).isEqualTo("Message Undeliverable.");
    }
}
