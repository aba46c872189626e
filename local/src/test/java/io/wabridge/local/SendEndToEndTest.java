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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The send API and the outbound sender against the Meta sandbox: every type, the policy, idempotency, error classes. */
@EndToEnd
class SendEndToEndTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;
    static final String TENANT = "sender";
    static final String USER = "6281299990001";
    static String userWamid;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shop = connect(TENANT, "Toko Kirim", "6281100003001");
        userWamid = meta.userSendsText(USER, shop.phoneNumberId(), "halo");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status("GET", "/v1/messages/" + userWamid, null) == 200)).isTrue();
    }


    static SandboxState.Customer connect(String tenant, String name, String number) throws Exception {
        return connectFor(meta, tenant, name, number);
    }

    /** A customer connected through WaBridge's signup API (SignupEndToEndTest.runtime must be set). */
    static SandboxState.Customer connectFor(MetaSandbox meta, String tenant, String name, String number) throws Exception {
        SandboxState.Customer c = meta.createCustomer(name, number);
        var r = SignupEndToEndTest.call("POST", "/v1/signup/complete", tenant,
                SignupEndToEndTest.finish(SignupEndToEndTest.session(tenant), c, meta.signupCode(c.businessId())));
        assertThat(SignupEndToEndTest.json(r).path("outcome").asText()).as(r.body()).isEqualTo("active");
        return c;
    }

    static int status(String method, String path, Object body) {
        try {
            return SignupEndToEndTest.call(method, path, TENANT, body).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static HttpResponse<String> send(Map<String, Object> body, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(SignupEndToEndTest.JSON.writeValueAsString(body)))
                .header("content-type", "application/json").header("authorization", SignupEndToEndTest.bearer(TENANT));
        if (idempotencyKey != null) {
            b.header("idempotency-key", idempotencyKey);
        }
        return Http.send(b);
    }

    static Map<String, Object> message(String to, String type, Object content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", shop.phoneNumberId());
        m.put("to", to);
        m.put("type", type);
        m.put(type, content);
        return m;
    }

    static String accepted(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = SignupEndToEndTest.json(r);
        assertThat(body.path("state").asText()).isEqualTo("queued");
        return body.path("id").asText();
    }

    static JsonNode read(String id) throws Exception {
        return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, TENANT, null));
    }

    static JsonNode awaitState(String id, String state) throws Exception {
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return read(id).path("state").asText().equals(state);
            } catch (Exception e) {
                return false;
            }
        })).as("send " + id + " reaches " + state + " (last: " + read(id) + ")").isTrue();
        return read(id);
    }

    static long sentToMeta(String text) {
        return meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.body().contains(text) && c.status() == 200).count();
    }

    @Test
    void everyMessageTypeIsSentAndItsStatusesAreReadable() throws Exception {
        meta.addTemplate(shop.wabaId(), "order_ready", "en_US", "UTILITY", "Your order {{1}} is ready", "APPROVED");
        // Synced, so the policy knows it is utility (a template of unknown category counts as marketing).
        assertThat(SignupEndToEndTest.call("POST", "/v1/templates/sync?waba=" + shop.wabaId(), TENANT, null).statusCode()).isEqualTo(200);
        Map<String, Object> types = new LinkedHashMap<>();
        types.put("text", Map.of("body", "Ya, buka sampai jam 9", "preview_url", false));
        types.put("image", Map.of("link", "https://example.com/menu.jpg", "caption", "Menu"));
        types.put("document", Map.of("link", "https://example.com/invoice.pdf", "filename", "invoice.pdf"));
        types.put("interactive", Map.of("type", "button", "body", Map.of("text", "Pick one"), "action", Map.of("buttons",
                List.of(Map.of("type", "reply", "reply", Map.of("id", "yes", "title", "Yes")), Map.of("type", "reply", "reply", Map.of("id", "no", "title", "No"))))));
        types.put("reaction", Map.of("message_id", userWamid, "emoji", "\uD83D\uDC4D"));
        types.put("location", Map.of("latitude", -6.2, "longitude", 106.8, "name", "Toko"));
        types.put("contacts", List.of(Map.of("name", Map.of("formatted_name", "Budi", "first_name", "Budi"),
                "phones", List.of(Map.of("phone", "+6281200000000")))));
        types.put("template", Map.of("name", "order_ready", "language", Map.of("code", "en_US"), "components",
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text", "text", "A-17"))))));
        Map<String, String> ids = new LinkedHashMap<>();
        for (var e : types.entrySet()) {
            ids.put(e.getKey(), accepted(send(message(USER, e.getKey(), e.getValue()), null)));
        }
        for (var e : ids.entrySet()) {
            JsonNode sent = awaitState(e.getValue(), "sent");
            assertThat(sent.path("wamid").asText()).as(e.getKey()).startsWith("wamid.");
        }
        // Meta's statuses reach the send (sent -> delivered -> read), found through the wamid.
        String text = ids.get("text");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return read(text).path("status").path("current").asText().equals("read");
            } catch (Exception e) {
                return false;
            }
        })).as(read(text).toString()).isTrue();
        // A reply in context.
        Map<String, Object> reply = message(USER, "text", Map.of("body", "Replying"));
        reply.put("context", Map.of("message_id", userWamid));
        awaitState(accepted(send(reply, null)), "sent");
        assertThat(meta.calls().stream().filter(c -> c.body().contains("Replying")).findFirst().orElseThrow().body()).contains(userWamid);
    }

    @Test
    void anUploadedFileIsSentByItsMediaIdAndAReadReceiptReachesMeta() throws Exception {
        byte[] png = new byte[2048];
        new java.util.Random(3).nextBytes(png);
        var upload = Http.post(URI.create(runtime.baseUrl() + "/v1/media?channel=" + shop.phoneNumberId() + "&filename=receipt.png"), png,
                "authorization", SignupEndToEndTest.bearer(TENANT), "content-type", "image/png");
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String mediaId = SignupEndToEndTest.json(upload).path("id").asText();
        assertThat(meta.state().media.get(mediaId).bytes).isEqualTo(png);
        awaitState(accepted(send(message(USER, "image", Map.of("id", mediaId, "caption", "your receipt")), null)), "sent");
        assertThat(Http.post(URI.create(runtime.baseUrl() + "/v1/media?channel=" + shop.phoneNumberId()), png,
                "authorization", SignupEndToEndTest.bearer(TENANT), "content-type", "application/x-msdownload").statusCode()).isEqualTo(415);

        var read = SignupEndToEndTest.call("POST", "/v1/messages/" + userWamid + "/read", TENANT, Map.of("typing", true));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(meta.calls().stream().anyMatch(c -> c.body().contains("\"status\":\"read\"") && c.body().contains(userWamid)
                && c.body().contains("typing_indicator"))).isTrue();
    }

    @Test
    void templatesApprovedBeforeConnectingAreSyncedAndThenChecked() throws Exception {
        meta.addTemplate(shop.wabaId(), "old_rejected", "id", "MARKETING", "Promo lama", "REJECTED");
        var synced = SignupEndToEndTest.call("POST", "/v1/templates/sync?waba=" + shop.wabaId(), TENANT, null);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(SignupEndToEndTest.json(synced).path("synced").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode list = SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/templates?waba=" + shop.wabaId(), TENANT, null));
        assertThat(list.path("items").toString()).contains("old_rejected").contains("REJECTED");
        HttpResponse<String> refused = send(message(USER, "template", Map.of("name", "old_rejected", "language", Map.of("code", "id"))), null);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("template_not_approved");
        assertThat(SignupEndToEndTest.call("POST", "/v1/templates/sync?waba=123", TENANT, null).statusCode()).isEqualTo(404);

        // A new template: the rules are checked first; Meta approves it a moment later (webhook) and it can be sent.
        var bad = SignupEndToEndTest.call("POST", "/v1/templates?waba=" + shop.wabaId(), TENANT, Map.of("name", "pickup", "language", "en_US",
                "category", "UTILITY", "components", List.of(Map.of("type", "BODY", "text", "Order {{2}} is ready"))));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(SignupEndToEndTest.json(bad).path("error").path("field").asText()).isEqualTo("components.BODY.text");
        var created = SignupEndToEndTest.call("POST", "/v1/templates?waba=" + shop.wabaId(), TENANT, Map.of("name", "pickup", "language", "en_US",
                "category", "UTILITY", "components", List.of(Map.of("type", "BODY", "text", "Order {{1}} is ready",
                        "example", Map.of("body_text", List.of(List.of("A-1")))))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> pickup = message(USER, "template", Map.of("name", "pickup", "language", Map.of("code", "en_US"), "components",
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text", "text", "A-9"))))));
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return send(pickup, "pickup-1").statusCode() == 202;
            } catch (Exception e) {
                return false;
            }
        })).as("sendable once approved").isTrue();
        // Wait for it to go out, so no later test's injected fault meets it.
        awaitState(SignupEndToEndTest.json(send(pickup, "pickup-1")).path("id").asText(), "sent");
    }

    @Test
    void usageCountsEachMessageInAndOutOncePerChannel() throws Exception {
        String id = accepted(send(message(USER, "text", Map.of("body", "count me")), null));
        awaitState(id, "sent");
        JsonNode usage = SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/usage?granularity=month", TENANT, null));
        assertThat(usage.path("currency").asText()).isEqualTo("USD");
        JsonNode month = usage.path("items").get(0);
        assertThat(month.path("inbound").path(shop.phoneNumberId()).asLong()).isGreaterThanOrEqualTo(1);
        long out = month.path("outbound").path(shop.phoneNumberId()).asLong();
        long sentToMeta = meta.calls().stream().filter(c -> c.path().endsWith(shop.phoneNumberId() + "/messages") && c.status() == 200
                && !c.body().contains("\"status\":\"read\"")).count();
        assertThat(out).as("each accepted send counted once").isEqualTo(sentToMeta);
        assertThat(SignupEndToEndTest.call("GET", "/v1/usage?from=2026-13-01", TENANT, null).statusCode()).isEqualTo(400);
    }

    @Test
    void theSameIdempotencyKeyGetsTheFirstAnswerAndOneSend() throws Exception {
        Map<String, Object> m = message(USER, "text", Map.of("body", "only once please"));
        String first = accepted(send(m, "order-42-confirmation"));
        HttpResponse<String> again = send(m, "order-42-confirmation");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(SignupEndToEndTest.json(again).path("id").asText()).isEqualTo(first);
        assertThat(SignupEndToEndTest.json(again).path("repeated").asBoolean()).isTrue();
        awaitState(first, "sent");
        runtime.awaitIdle();
        assertThat(sentToMeta("only once please")).isEqualTo(1);
    }

    @Test
    void thePolicyRefusesBeforeAnyCallWithAReasonAndAField() throws Exception {
        HttpResponse<String> outside = send(message("6281299990099", "text", Map.of("body", "hello stranger")), null);
        assertThat(outside.statusCode()).isEqualTo(422);
        assertThat(outside.body()).contains("outside_window");
        assertThat(sentToMeta("hello stranger")).isZero();

        HttpResponse<String> tooLong = send(message(USER, "text", Map.of("body", "x".repeat(4097))), null);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(SignupEndToEndTest.json(tooLong).path("error").path("field").asText()).isEqualTo("text.body");
        assertThat(send(message(USER, "telegram", Map.of()), null).body()).contains("invalid_type");
        assertThat(send(message("12", "text", Map.of("body", "x")), null).body()).contains("\"field\":\"to\"");
        assertThat(send(message(USER, "image", Map.of("id", "1", "link", "https://x.example/a.jpg")), null).statusCode()).isEqualTo(400);

        Map<String, Object> otherChannel = message(USER, "text", Map.of("body", "x"));
        otherChannel.put("channel", "999999999");
        assertThat(send(otherChannel, null).statusCode()).isEqualTo(404);

        meta.addTemplate(shop.wabaId(), "promo_paused", "en_US", "MARKETING", "Big sale", "APPROVED");
        meta.setTemplateStatus(shop.wabaId(), "promo_paused", "en_US", "PAUSED", null);
        // Wait for the webhook (sending before it would queue real sends that later tests' faults could meet).
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return SignupEndToEndTest.call("GET", "/v1/templates?waba=" + shop.wabaId(), TENANT, null).body()
                        .matches("(?s).*\"name\":\"promo_paused\"[^}]*\"status\":\"PAUSED\".*");
            } catch (Exception e) {
                return false;
            }
        })).as("the PAUSED webhook arrived").isTrue();
        HttpResponse<String> paused = send(message(USER, "template", Map.of("name", "promo_paused", "language", Map.of("code", "en_US"))), null);
        assertThat(paused.statusCode()).as("a paused template is refused").isEqualTo(422);
        assertThat(paused.body()).contains("template_not_approved");
    }

    @Test
    void transientErrorsAreRetriedAndPermanentOnesFailWithMetasCode() throws Exception {
        meta.faults().add(Faults.Rule.graphError(".*/" + shop.phoneNumberId() + "/messages", 131000, 1));
        String retried = accepted(send(message(USER, "text", Map.of("body", "after a hiccup")), null));
        JsonNode sent = awaitState(retried, "sent");
        assertThat(sent.path("attempts").asInt()).isEqualTo(2);

        meta.faults().add(Faults.Rule.graphError(".*/" + shop.phoneNumberId() + "/messages", 131026, 1));
        String doomed = accepted(send(message(USER, "text", Map.of("body", "undeliverable")), null));
        JsonNode failed = awaitState(doomed, "failed");
        assertThat(failed.path("lastError").path("code").asInt()).isEqualTo(131026);
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("message.status") && e.path("detail").path("messageId").asText().equals(doomed)))).isTrue();
    }

    @Test
    void aRevokedTokenHoldsSendsUntilReauthorisationThenReleasesThem() throws Exception {
        SandboxState.Customer c = connect("revoked", "Toko Revoked", "6281100003002");
        String user = "6281299990002";
        String w = meta.userSendsText(user, c.phoneNumberId(), "hi");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return SignupEndToEndTest.call("GET", "/v1/messages/" + w, "revoked", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        // The token stops working with no webhook (an app removal, which Meta announces, disconnects the channel:
        // MetaEventsEndToEndTest), so the sender learns it from Meta's 190.
        meta.revokeTokens(c.businessId());
        Map<String, Object> m = new LinkedHashMap<>(Map.of("channel", c.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", "held for a while")));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(SignupEndToEndTest.JSON.writeValueAsString(m)))
                .header("content-type", "application/json").header("authorization", SignupEndToEndTest.bearer("revoked"));
        String id = SignupEndToEndTest.json(Http.send(b)).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, "revoked", null)).path("state").asText().equals("held");
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/channels/" + c.phoneNumberId(), "revoked", null))
                .path("status").asText()).isEqualTo("needs_reauth");
        // The event follows the channel's change: wait for it, then check it came once.
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("channel.needs_reauth")))).isTrue();
        assertThat(runtime.aws().events().received().stream().filter(e -> e.path("detail-type").asText().equals("channel.needs_reauth")
                && e.path("detail").path("phoneNumberId").asText().equals(c.phoneNumberId())).count()).isEqualTo(1);

        // The customer runs signup again: the channel is active and the held send goes out.
        var again = SignupEndToEndTest.call("POST", "/v1/signup/complete", "revoked",
                SignupEndToEndTest.finish(SignupEndToEndTest.session("revoked"), c, meta.signupCode(c.businessId())));
        assertThat(SignupEndToEndTest.json(again).path("outcome").asText()).as(again.body()).isEqualTo("active");
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, "revoked", null)).path("state").asText().equals("sent");
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
    }
}
