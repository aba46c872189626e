package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.sandbox.Faults;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant administration through the local runtime and the Meta sandbox: template deletion. */
class TenantAdminEndToEndTest {

    @TempDir
    static Path data;
    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shopA;
    static SandboxState.Customer shopB;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shopA = SendEndToEndTest.connectFor(meta, "admin-a", "Toko A", "6281100007001");
        shopB = SendEndToEndTest.connectFor(meta, "admin-b", "Toko B", "6281100007002");
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        if (runtime != null) {
            runtime.close();
        }
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
        meta.addTemplate(shopA.wabaId(), "promo", "en_US", "MARKETING", "Sale today", "APPROVED");
        meta.addTemplate(shopA.wabaId(), "promo", "id", "MARKETING", "Diskon hari ini", "APPROVED");
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
}
