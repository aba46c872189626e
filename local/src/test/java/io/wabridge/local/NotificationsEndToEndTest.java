package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scheduled notifications through the local runtime and the sandbox: a due notification to 1,000
 * recipients of mixed consent gives the right mix of sends, skips and fallback events, each recorded; the
 * fallback's opt-in link works in a phone-sized headless Chromium and only once.
 */
@EndToEnd(ownRuntime = true) // counts the fallback events of the whole runtime
class NotificationsEndToEndTest {

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer office;
    static final String TENANT = "permits";

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        assertThat(SignupBrowserTest.SCRIPTS.resolve("node_modules/playwright-core")).as(
                "playwright-core is needed: (cd local/src/test/browser && npm ci) (as .ci/run does)").exists();
        runtime = own;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        office = SendEndToEndTest.connectFor(meta, TENANT, "Dinas Perizinan", "6281100005001");
        meta.addTemplate(office.wabaId(), "permit_expiry", "id", "UTILITY", "Izin Anda berakhir dalam 30 hari", "APPROVED");
        assertThat(call("POST", "/v1/templates/sync?waba=" + office.wabaId(), null).statusCode()).isEqualTo(200);
        var settings = call("PUT", "/v1/tenant/settings", Map.of("displayName", "Dinas Perizinan Kota",
                "optInIntent", "Reminders before your permits expire", "optInPolicy", Map.of("utility", true, "marketing", true)));
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
    }

    static HttpResponse<String> call(String method, String path, Object body) throws Exception {
        return SignupEndToEndTest.call(method, path, TENANT, body);
    }

    static String number(int i) {
        return "6287" + String.format("%08d", i);
    }

    static Map<String, Object> notification(List<Object> recipients) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("channel", office.phoneNumberId());
        n.put("template", Map.of("name", "permit_expiry", "language", Map.of("code", "id")));
        n.put("category", "utility");
        n.put("recipients", recipients);
        return n;
    }

    @Test
    @Tag("slow") // a thousand recipients through the local tables, and a real Chromium
    void aNotificationToAThousandRecipientsSendsSkipsAndFallsBackEachAsConsentSays() throws Exception {
        // Consent: every 4th opted in, every 4th + 1 opted out, the rest none (the tenant requires opt-in for utility).
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i += 4) {
            rows.add(Map.of("contact", number(i), "action", "opt_in", "at", "2026-10-01T00:00:00Z", "proof", Map.of("formId", "permit-app")));
            rows.add(Map.of("contact", number(i + 1), "action", "opt_out", "at", "2026-10-01T00:00:00Z"));
        }
        // In requests of 125 rows: DynamoDB Local serialises transactions (~30 ms a row), so one request of 500 could run
        // into the API function's 29 s timeout on a loaded machine.
        int recorded = 0;
        for (int from = 0; from < rows.size(); from += 125) {
            JsonNode imported = SignupEndToEndTest.json(call("POST", "/v1/consent/import", Map.of("rows", rows.subList(from, from + 125))));
            recorded += imported.path("recorded").asInt();
        }
        assertThat(recorded).isEqualTo(500);
        // One person without consent wrote in today: a utility message to them is inside the window.
        meta.userSendsText(number(2), office.phoneNumberId(), "kapan izin saya berakhir?");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return SignupEndToEndTest.json(call("GET", "/v1/contacts/" + number(2) + "/can-send?category=utility", null))
                        .path("reason").asText().equals("within_window");
            } catch (Exception e) {
                return false;
            }
        })).isTrue();

        List<Object> recipients = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            recipients.add(i == 3 ? Map.of("to", "+" + number(i), "components", List.of()) : number(i));
        }
        HttpResponse<String> created = call("POST", "/v1/notifications", notification(recipients));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = SignupEndToEndTest.json(created).path("id").asText();

        long t0 = System.nanoTime();
        Object summary = runtime.scheduler().fire("NotificationsFunction.EveryMinute");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        JsonNode n = SignupEndToEndTest.json(call("GET", "/v1/notifications/" + id + "?limit=500", null));
        for (int tries = 0; !n.path("state").asText().equals("done") && tries < 5; tries++) {
            runtime.scheduler().fire("NotificationsFunction.EveryMinute"); // a run racing the timer's own run leaves the rest
            n = SignupEndToEndTest.json(call("GET", "/v1/notifications/" + id + "?limit=500", null));
        }
        System.out.printf("notification run over 1,000 recipients: %d ms (%s)%n", ms, summary);
        assertThat(n.path("state").asText()).as(n.toString()).isEqualTo("done");
        assertThat(n.path("counts").path("sent").asInt()).isEqualTo(251);
        assertThat(n.path("counts").path("sentInWindow").asInt()).isEqualTo(1);
        assertThat(n.path("counts").path("skipped").asInt()).isEqualTo(250);
        assertThat(n.path("counts").path("fallback").asInt()).isEqualTo(499);
        assertThat(n.path("counts").path("failed").asInt()).isZero();

        Map<String, String> outcomes = new HashMap<>();
        int after = -1;
        while (true) {
            JsonNode page = SignupEndToEndTest.json(call("GET", "/v1/notifications/" + id + "?limit=500&after=" + after, null));
            page.path("items").forEach(r -> outcomes.put(r.path("to").asText(), r.path("outcome").asText() + ":" + r.path("reason").asText()));
            if (page.path("nextAfter").isNull()) {
                break;
            }
            after = page.path("nextAfter").asInt();
        }
        assertThat(outcomes).hasSize(1_000);
        assertThat(outcomes.get(number(0))).isEqualTo("sent:opted_in");
        assertThat(outcomes.get(number(1))).isEqualTo("skipped:opted_out");
        assertThat(outcomes.get(number(2))).isEqualTo("sent:within_window");
        assertThat(outcomes.get(number(3))).isEqualTo("fallback:no_consent");

        // Each fallback is one event carrying a link; nothing was sent to those people.
        List<JsonNode> fallbacks = runtime.aws().events().received().stream()
                .filter(e -> e.path("detail-type").asText().equals("notification.fallback")).toList();
        assertThat(fallbacks).hasSize(499);
        assertThat(meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.body().contains(number(3))).count()).isZero();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> meta.calls().stream()
                .filter(c -> c.path().endsWith("/messages") && c.body().contains("permit_expiry")).count() == 251)).isTrue();

        // The person opens the link on a phone and says yes: the ledger records it, the link is used up.
        JsonNode event = fallbacks.stream().filter(e -> e.path("detail").path("recipient").asText().equals(number(3))).findFirst().orElseThrow();
        String link = event.path("detail").path("optInUrl").asText();
        assertThat(link).startsWith(runtime.baseUrl() + "/optin/v1.").doesNotContain(number(3));
        JsonNode look = SignupBrowserTest.node(runtime.dataDir(), "optin.mjs", link, "look");
        assertThat(look.path("status").asInt()).isEqualTo(200);
        assertThat(look.path("text").asText()).contains("Dinas Perizinan Kota").contains("Reminders before your permits expire");
        JsonNode yes = SignupBrowserTest.node(runtime.dataDir(), "optin.mjs", link, "yes");
        assertThat(yes.path("heading").asText()).as(yes.toString()).isEqualTo("Thank you");
        JsonNode consent = SignupEndToEndTest.json(call("GET", "/v1/contacts/" + number(3) + "/consent", null));
        assertThat(consent.path("state").path("all").asText()).isEqualTo("in");
        JsonNode entry = consent.path("history").get(consent.path("history").size() - 1);
        assertThat(entry.path("source").asText()).isEqualTo("opt_in_link");
        assertThat(entry.path("proof").path("notificationId").asText()).isEqualTo(id);
        assertThat(entry.path("proof").path("userAgent").asText()).contains("Mobile");

        JsonNode reused = SignupBrowserTest.node(runtime.dataDir(), "optin.mjs", link, "yes");
        assertThat(reused.path("status").asInt()).isEqualTo(410);
        assertThat(reused.path("text").asText()).contains("already been used").contains("Nothing was recorded");
        String forged = link.substring(0, link.length() - 4) + (link.endsWith("0000") ? "1111" : "0000");
        JsonNode bad = SignupBrowserTest.node(runtime.dataDir(), "optin.mjs", forged, "yes");
        assertThat(bad.path("status").asInt()).isEqualTo(404);
        assertThat(SignupEndToEndTest.json(call("GET", "/v1/contacts/" + number(3) + "/consent", null)).path("history")).hasSize(1);

        // A cross-site POST (no cookie from the page) records nothing.
        JsonNode other = fallbacks.stream().filter(e -> e.path("detail").path("recipient").asText().equals(number(6))).findFirst().orElseThrow();
        var forgedPost = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other.path("detail").path("optInUrl").asText()))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("csrf=abc&choice=yes"))
                .header("content-type", "application/x-www-form-urlencoded"));
        assertThat(forgedPost.statusCode()).isEqualTo(403);
        assertThat(call("GET", "/v1/contacts/" + number(6) + "/consent", null).statusCode()).isEqualTo(404);

        JsonNode metrics = SignupEndToEndTest.json(call("GET", "/v1/consent/metrics", null));
        assertThat(metrics.path("notifications").path("sent").asInt()).isEqualTo(251);
        assertThat(metrics.path("notifications").path("fallback").asInt()).isEqualTo(499);
        assertThat(metrics.path("contacts").path("optedIn").asInt()).isEqualTo(251);
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return SignupEndToEndTest.json(call("GET", "/v1/consent/metrics", null)).path("notifications").path("delivered").asInt() > 0;
            } catch (Exception e) {
                return false;
            }
        })).as("delivered statuses of notification sends are counted").isTrue();
    }

    @Test
    void badNotificationsAreRefusedUpFront() throws Exception {
        var unknown = call("POST", "/v1/notifications", Map.of("channel", office.phoneNumberId(),
                "template", Map.of("name", "no_such_template", "language", Map.of("code", "id")), "recipients", List.of(number(1))));
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(SignupEndToEndTest.json(unknown).path("error").path("code").asText()).isEqualTo("template_unknown");
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(number(i));
        }
        var big = call("POST", "/v1/notifications", notification(tooMany));
        assertThat(SignupEndToEndTest.json(big).path("error").path("code").asText()).isEqualTo("too_many_recipients");
        var bad = call("POST", "/v1/notifications", notification(List.of(number(1), "0812", number(2), "hello")));
        assertThat(bad.statusCode()).isEqualTo(400);
        List<Integer> rows = new ArrayList<>();
        SignupEndToEndTest.json(bad).path("error").path("rows").forEach(r -> rows.add(r.path("row").asInt()));
        assertThat(rows).containsExactly(1, 3);
        var wrongCategory = new LinkedHashMap<>(notification(List.of(number(1))));
        wrongCategory.put("category", "marketing");
        assertThat(SignupEndToEndTest.json(call("POST", "/v1/notifications", wrongCategory)).path("error").path("code").asText())
                .isEqualTo("category_mismatch");
        assertThat(SignupEndToEndTest.call("GET", "/v1/notifications/ntf_unknown", "someone-else", null).statusCode()).isEqualTo(404);
    }
}
