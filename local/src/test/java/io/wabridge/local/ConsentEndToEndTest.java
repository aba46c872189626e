package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consent ledger through the local runtime and the sandbox: API, STOP/START keywords, Meta's 131050, import. */
@EndToEnd
class ConsentEndToEndTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;
    static final String TENANT = "consenting";

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shop = SendEndToEndTest.connectFor(meta, TENANT, "Toko Izin", "6281100004001");
        meta.addTemplate(shop.wabaId(), "promo_nov", "en_US", "MARKETING", "Diskon besar hari ini", "APPROVED");
        assertThat(call("POST", "/v1/templates/sync?waba=" + shop.wabaId(), TENANT, null).statusCode()).isEqualTo(200);
    }


    static HttpResponse<String> call(String method, String path, String tenant, Object body) throws Exception {
        return SignupEndToEndTest.call(method, path, tenant, body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return SignupEndToEndTest.json(r);
    }

    static JsonNode state(String contact) throws Exception {
        return json(call("GET", "/v1/contacts/" + contact + "/consent", TENANT, null)).path("state");
    }

    static HttpResponse<String> promo(String to) throws Exception {
        return call("POST", "/v1/messages", TENANT, Map.of("channel", shop.phoneNumberId(), "to", to, "type", "template",
                "template", Map.of("name", "promo_nov", "language", Map.of("code", "en_US"))));
    }

    static long metaCalls(String to, String text) {
        return meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.body().contains(to) && c.body().contains(text)).count();
    }

    static void optIn(String contact) throws Exception {
        var r = call("POST", "/v1/contacts/" + contact + "/consent", TENANT, Map.of("action", "opt_in", "source", "signup_form",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "permit-form-7", "ip", "203.0.113.9")));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    static boolean eventually(java.util.concurrent.Callable<Boolean> check) throws InterruptedException {
        return Http.eventuallyCalling(Duration.ofSeconds(20), check);
    }

    @Test
    void theLedgerRecordsOnceAnswersCanSendAndKeepsTenantsApart() throws Exception {
        String contact = "+62 812-0000-4101";
        assertThat(json(call("GET", "/v1/contacts/6281200004101/can-send?category=marketing", TENANT, null)).path("reason").asText())
                .isEqualTo("no_consent");
        var first = call("POST", "/v1/contacts/" + contact.replace(" ", "") + "/consent", TENANT, Map.of("action", "opt_in",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "f1")));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first).path("state").path("all").asText()).isEqualTo("in");
        var again = call("POST", "/v1/contacts/6281200004101/consent", TENANT, Map.of("action", "opt_in",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("formId", "f1")));
        assertThat(json(again).path("outcome").asText()).isEqualTo("duplicate");
        JsonNode read = json(call("GET", "/v1/contacts/6281200004101/consent", TENANT, null));
        assertThat(read.path("history")).hasSize(1);
        assertThat(read.path("history").get(0).path("source").asText()).isEqualTo("api");
        assertThat(read.path("history").get(0).path("proof").path("formId").asText()).isEqualTo("f1");
        JsonNode can = json(call("GET", "/v1/contacts/6281200004101/can-send?category=marketing", TENANT, null));
        assertThat(can.path("allowed").asBoolean()).isTrue();
        assertThat(can.path("reason").asText()).isEqualTo("opted_in");

        assertThat(call("GET", "/v1/contacts/6281200004101/consent", "other-tenant", null).statusCode()).isEqualTo(404);
        assertThat(json(call("GET", "/v1/contacts/6281200004101/can-send?category=marketing", "other-tenant", null)).path("reason").asText())
                .isEqualTo("no_consent");
        var bad = call("POST", "/v1/contacts/6281200004101/consent", TENANT, Map.of("action", "opt_in"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").path("field").asText()).isEqualTo("proof");
        assertThat(call("GET", "/v1/contacts/0812/can-send?category=marketing", TENANT, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/v1/contacts/6281200004101/can-send?category=promo", TENANT, null).statusCode()).isEqualTo(400);
    }

    @Test
    void stopIsConfirmedOnceAndThenAMarketingTemplateIsRefusedBeforeTheCall() throws Exception {
        String user = "6281200004102";
        optIn(user);
        meta.userSendsText(user, shop.phoneNumberId(), "Stop");
        assertThat(eventually(() -> state(user).path("all").asText().equals("out"))).isTrue();
        assertThat(eventually(() -> metaCalls(user, "no longer receive messages") == 1)).isTrue();
        meta.userSendsText(user, shop.phoneNumberId(), "STOP");
        meta.userSendsText(user, shop.phoneNumberId(), "hello, when is my permit ready?");
        assertThat(eventually(() -> json(call("GET", "/v1/channels/" + shop.phoneNumberId() + "/conversations", TENANT, null)).toString()
                .contains(user))).isTrue();

        HttpResponse<String> refused = promo(user);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(json(refused).path("error").path("code").asText()).isEqualTo("opted_out");
        assertThat(metaCalls(user, "promo_nov")).as("refused before the Graph call").isZero();
        runtime.awaitIdle();
        assertThat(state(user).path("all").asText()).as("writing again is not an opt-in").isEqualTo("out");
        assertThat(metaCalls(user, "no longer receive messages")).as("one confirmation").isEqualTo(1);

        meta.userSendsText(user, shop.phoneNumberId(), "mulai");
        assertThat(eventually(() -> state(user).path("all").asText().equals("in"))).isTrue();
        assertThat(eventually(() -> metaCalls(user, "subscribed to messages from") == 1)).isTrue();
        assertThat(promo(user).statusCode()).isEqualTo(202);
        JsonNode history = json(call("GET", "/v1/contacts/" + user + "/consent", TENANT, null)).path("history");
        List<String> sources = new ArrayList<>();
        history.forEach(h -> sources.add(h.path("action").asText() + ":" + h.path("source").asText()));
        assertThat(sources).containsExactly("opt_in:signup_form", "opt_out:inbound_keyword", "opt_out:inbound_keyword", "opt_in:inbound_keyword");
    }

    @Test
    void metaRefusingMarketingWith131050StopsTheNextOneBeforeTheCall() throws Exception {
        String user = "6281200004103";
        optIn(user);
        meta.userSendsText(user, shop.phoneNumberId(), "halo");
        meta.user(user).marketingStopped = true; // set in WhatsApp: Meta accepts the send, then fails it with 131050
        HttpResponse<String> first = promo(user);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String sent = json(first).path("id").asText();
        assertThat(eventually(() -> state(user).path("marketing").asText().equals("out")))
                .as(() -> { try { return call("GET", "/v1/messages/" + sent, TENANT, null).body() + " " + state(user); } catch (Exception e) { return e.toString(); } })
                .isTrue();
        HttpResponse<String> second = promo(user);
        assertThat(json(second).path("error").path("code").asText()).isEqualTo("marketing_stopped");
        assertThat(metaCalls(user, "promo_nov")).as("only the first reached Meta").isEqualTo(1);
        assertThat(json(call("GET", "/v1/contacts/" + user + "/can-send?category=utility", TENANT, null)).path("allowed").asBoolean())
                .as("utility is unaffected").isTrue();
    }

    /**
     * Rows in the import test. DynamoDB Local serialises transactions (~30 ms a row), and on a loaded 2-core machine 300
     * rows ran into the API function's 29 s timeout; 120 keep the test about the report, not the machine.
     */
    static final int ROWS = 120;

    @Test
    void anImportReportsEachBadRowImportsTheRestAndCanBeRunAgain() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("contact", i == 10 ? "0812-no-country" : i == 60 ? "" : "+6285" + String.format("%08d", i));
            row.put("action", i == 100 ? "maybe" : "opt_in");
            row.put("at", "2026-10-01T00:00:00Z");
            row.put("proof", Map.of("formId", "clinic-import", "row", Integer.toString(i)));
            rows.add(row);
        }
        long t0 = System.nanoTime();
        JsonNode first = json(call("POST", "/v1/consent/import", TENANT, Map.of("rows", rows)));
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.path("recorded").asInt()).as(first.toString()).isEqualTo(ROWS - 3);
        assertThat(first.path("rejected").asInt()).isEqualTo(3);
        List<String> errors = new ArrayList<>();
        first.path("errors").forEach(e -> errors.add(e.path("row").asInt() + ":" + e.path("field").asText()));
        assertThat(errors).containsExactly("10:contact", "60:contact", "100:action");
        t0 = System.nanoTime();
        JsonNode again = json(call("POST", "/v1/consent/import", TENANT, Map.of("rows", rows)));
        long againMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(again.path("duplicates").asInt()).isEqualTo(ROWS - 3);
        assertThat(again.path("recorded").asInt()).isZero();
        System.out.printf("consent import of %d rows: %d ms; again (all duplicates): %d ms%n", ROWS, firstMs, againMs);
        assertThat(state("6285" + String.format("%08d", ROWS - 1)).path("all").asText()).isEqualTo("in");
    }

    @Test
    void contactsWhoWriteWithoutConsentAreRemindedAtMostAsOftenAsTheTenantSaysAndNeverWhenOptedOut() throws Exception {
        String tenant = "reminding";
        SandboxState.Customer clinic = SendEndToEndTest.connectFor(meta, tenant, "Klinik Sehat", "6281100004009");
        var put = call("PUT", "/v1/tenant/settings", tenant, Map.of("displayName", "Klinik Sehat", "optInIntent", "appointment reminders",
                "optInReminders", Map.of("max", 1, "via", "window", "afterMinutes", 0)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String a = "6281200004201";
        String b = "6281200004202";
        assertThat(call("POST", "/v1/contacts/" + b + "/consent", tenant, Map.of("action", "opt_out")).statusCode()).isEqualTo(201);
        meta.userSendsText(a, clinic.phoneNumberId(), "halo");
        meta.userSendsText(b, clinic.phoneNumberId(), "halo");
        assertThat(eventually(() -> {
            runtime.scheduler().fire("NotificationsFunction.EveryMinute");
            return metaCalls(a, "would like to send you WhatsApp messages") == 1;
        })).isTrue();
        assertThat(meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.body().contains(a)).findFirst().orElseThrow().body())
                .contains("appointment reminders").contains("/optin/v1.").contains("reply START");
        meta.userSendsText(a, clinic.phoneNumberId(), "halo lagi");
        runtime.awaitIdle();
        runtime.scheduler().fire("NotificationsFunction.EveryMinute");
        assertThat(metaCalls(a, "would like to send you WhatsApp messages")).as("at most max (1)").isEqualTo(1);
        assertThat(metaCalls(b, "would like to send you")).as("never to an opted-out contact").isZero();

        assertThat(call("PUT", "/v1/tenant/settings", tenant, Map.of("optInReminders", Map.of("via", "fallback"))).statusCode()).isEqualTo(200);
        String c = "6281200004203";
        meta.userSendsText(c, clinic.phoneNumberId(), "halo");
        assertThat(eventually(() -> {
            runtime.scheduler().fire("NotificationsFunction.EveryMinute");
            return runtime.aws().events().received().stream().anyMatch(e -> e.path("detail-type").asText().equals("consent.reminder")
                    && e.path("detail").path("contact").asText().equals(c) && e.path("detail").path("optInUrl").asText().contains("/optin/v1."));
        })).isTrue();
        assertThat(metaCalls(c, "would like to send you")).as("the fallback goes to the SaaS, not WhatsApp").isZero();
        var badSettings = call("PUT", "/v1/tenant/settings", tenant, Map.of("optInReminders", Map.of("max", 9)));
        assertThat(json(badSettings).path("error").path("field").asText()).isEqualTo("optInReminders.max");
    }

    /** Every item and object that mentions {@code what} anywhere (a test-only scan). */
    static List<String> mentions(String what) {
        String table = runtime.resources().tableNames().get("Table");
        List<String> found = new ArrayList<>();
        for (var page : runtime.dynamo().scanPaginator(r -> r.tableName(table))) {
            for (var item : page.items()) {
                if (item.toString().contains(what)) {
                    found.add(item.get("PK").s() + " / " + item.get("SK").s());
                }
            }
        }
        String bucket = runtime.resources().bucketNames().get("MediaBucket");
        for (String key : runtime.aws().s3().keys(bucket, "")) {
            if (key.contains(what) || runtime.aws().s3().object(bucket, key).map(b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains(what)).orElse(false)) {
                found.add("s3:" + key);
            }
        }
        return found;
    }

    @Test
    void anExportHasEverythingAndAnErasureLeavesNothingButAPseudonymisedOptOut() throws Exception {
        String user = "6281200004301";
        optIn(user);
        String text = meta.userSendsText(user, shop.phoneNumberId(), "tolong hapus data saya");
        byte[] photo = "a photo of a permit: 6281200004301".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String image = meta.userSendsMedia(user, shop.phoneNumberId(), "image", "image/jpeg", photo, "permit");
        String bsuid = meta.user(user).bsuid;
        assertThat(eventually(() -> {
            JsonNode m = json(call("GET", "/v1/messages/" + image, TENANT, null));
            return "stored".equals(m.path("media").path("status").asText());
        })).isTrue();
        var reply = call("POST", "/v1/messages", TENANT, Map.of("channel", shop.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", "Baik, kami proses")));
        String sendId = json(reply).path("id").asText();
        assertThat(eventually(() -> json(call("GET", "/v1/messages/" + sendId, TENANT, null)).path("state").asText().equals("sent"))).isTrue();

        assertThat(call("GET", "/v1/contacts/" + user + "/export", "other-tenant", null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/contacts/" + user, "other-tenant", null).statusCode()).isEqualTo(404);
        JsonNode export = json(call("GET", "/v1/contacts/" + user + "/export", TENANT, null));
        assertThat(export.path("channels")).hasSize(1);
        assertThat(export.path("channels").get(0).path("messages").toString()).contains(text).contains(image).contains("media/");
        assertThat(export.path("sends")).hasSize(1);
        assertThat(export.path("sends").get(0).path("content").asText()).contains("Baik, kami proses");
        assertThat(export.path("consent").path("history")).hasSize(1);

        JsonNode erased = json(call("DELETE", "/v1/contacts/" + user, TENANT, null));
        assertThat(erased.path("removed").asInt()).as(erased.toString()).isGreaterThan(5);
        assertThat(erased.path("alreadyErased").asBoolean()).isFalse();
        assertThat(mentions(user)).as("nothing names the number").isEmpty();
        assertThat(mentions(bsuid)).as("nothing names the BSUID").isEmpty();
        assertThat(mentions(image)).as("no message, pointer, status or bytes of the image (the event log keeps only keys for 8 days)")
                .allMatch(found -> TableItems.isEventLog(found));
        assertThat(call("GET", "/v1/messages/" + image, TENANT, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/messages/" + sendId, TENANT, null).statusCode()).isEqualTo(404);

        JsonNode again = json(call("DELETE", "/v1/contacts/" + user, TENANT, null));
        assertThat(again.path("alreadyErased").asBoolean()).isTrue();
        assertThat(again.path("removed").asInt()).isZero();
        assertThat(call("DELETE", "/v1/contacts/6281200009999", TENANT, null).statusCode()).isEqualTo(404);
        assertThat(json(call("GET", "/v1/contacts/" + user + "/can-send?category=utility", TENANT, null)).path("reason").asText())
                .as("the pseudonymised opt-out still stops messages").isEqualTo("opted_out");
        assertThat(promo(user).statusCode()).isEqualTo(422);
    }

    @Test
    void anOffboardedTenantIsDisconnectedAtOnceAndPurgedAfterItsGracePeriod() throws Exception {
        String tenant = "leaving-co";
        SandboxState.Customer co = SendEndToEndTest.connectFor(meta, tenant, "Toko Tutup", "6281100004011");
        String user = "6281200004401";
        meta.userSendsText(user, co.phoneNumberId(), "halo");
        String image = meta.userSendsMedia(user, co.phoneNumberId(), "image", "image/jpeg", "bytes of 6281200004401".getBytes(), "x");
        assertThat(eventually(() -> "stored".equals(json(call("GET", "/v1/messages/" + image, tenant, null)).path("media").path("status").asText())))
                .isTrue();
        String sent = json(call("POST", "/v1/messages", tenant, Map.of("channel", co.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", "sampai jumpa")))).path("id").asText();
        assertThat(eventually(() -> json(call("GET", "/v1/messages/" + sent, tenant, null)).path("state").asText().equals("sent"))).isTrue();
        assertThat(call("POST", "/v1/contacts/6281200004402/consent", tenant, Map.of("action", "opt_in", "proof", Map.of("formId", "f")))
                .statusCode()).isEqualTo(201);

        assertThat(call("DELETE", "/v1/tenant?graceDays=91", tenant, null).statusCode()).isEqualTo(400);
        JsonNode first = json(call("DELETE", "/v1/tenant?graceDays=0", tenant, null));
        assertThat(first.path("offboardedAt").asText()).as(first.toString()).isNotEmpty();
        assertThat(json(call("GET", "/v1/channels/" + co.phoneNumberId(), tenant, null)).path("status").asText()).isEqualTo("disconnected");
        assertThat(meta.calls()).anyMatch(c -> c.method().equals("DELETE") && c.path().endsWith(co.wabaId() + "/subscribed_apps"));
        assertThat(json(call("DELETE", "/v1/tenant", tenant, null)).path("offboardedAt").asText()).as("a repeat changes nothing")
                .isEqualTo(first.path("offboardedAt").asText());

        assertThat(eventually(() -> {
            runtime.scheduler().fire("NotificationsFunction.EveryMinute");
            return !json(call("DELETE", "/v1/tenant", tenant, null)).path("purgedAt").isNull();
        })).isTrue();
        List<String> left = mentions(tenant);
        System.out.println("left after the purge: " + left);
        assertThat(left).as("only what the catalogue keeps (the audit trail, the offboarding) and records that expire by themselves")
                .allSatisfy(k -> assertThat(TableItems.typeOf(k.split(" / ")[0], k.split(" / ")[1]).purge()).as(k).matches("(kept|expires).*"));
        assertThat(left).anyMatch(k -> k.startsWith(TableItems.audit(new io.wabridge.core.inbound.TenantId(tenant))));
        for (var page : runtime.dynamo().scanPaginator(r -> r.tableName(runtime.resources().tableNames().get("Table")))) {
            page.items().forEach(item -> TableItems.typeOf(item.get("PK").s(), item.get("SK").s())); // every item is catalogued
        }
        assertThat(mentions(user)).isEmpty();
        assertThat(mentions("6281200004402")).isEmpty();
        assertThat(call("GET", "/v1/channels/" + co.phoneNumberId(), tenant, null).statusCode()).isEqualTo(404);
    }
}
