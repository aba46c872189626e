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
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code system} message of type {@code user_changed_number} links the new wa_id to the
 * existing contact, so consent, the window and history follow the person. The webhook is Meta's own
 * example (see the fixture's {@code _source}), replayed signed through the local runtime.
 */
@EndToEnd
class ChangedNumberEndToEndTest {

    static final String TENANT = "renumbered";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        shop = SendEndToEndTest.connectFor(meta, TENANT, "Toko Pindah", "6281100009201");
    }


    static HttpResponse<String> call(String method, String path, Object body) throws Exception {
        return SignupEndToEndTest.call(method, path, TENANT, body);
    }

    static JsonNode canSend(String contact, String category) throws Exception {
        return SignupEndToEndTest.json(call("GET", "/v1/contacts/" + contact + "/can-send?category=" + category + "&channel=" + shop.phoneNumberId(),
                null));
    }

    static String conversation(String contact) throws Exception {
        return call("GET", "/v1/channels/" + shop.phoneNumberId() + "/conversations/" + contact + "/messages", null).body();
    }

    static boolean eventually(java.util.concurrent.Callable<Boolean> check) throws InterruptedException {
        return Http.eventuallyCalling(Duration.ofSeconds(20), check);
    }

    @Test
    void metasUserChangedNumberWebhookCarriesConsentWindowAndHistoryToTheNewNumber() throws Exception {
        String before = "16505551234";   // the fixture's numbers
        String after = "12195555358";
        String first = meta.userSendsText(before, shop.phoneNumberId(), "halo dari nomor lama");
        assertThat(eventually(() -> call("GET", "/v1/messages/" + first, null).statusCode() == 200)).isTrue();
        HttpResponse<String> optOut = call("POST", "/v1/contacts/" + before + "/consent", Map.of("action", "opt_out",
                "at", "2026-11-01T08:00:00Z", "proof", Map.of("note", "asked by phone")));
        assertThat(optOut.statusCode()).as(optOut.body()).isIn(200, 201);
        assertThat(canSend(after, "marketing").path("reason").asText()).as("the new number is nobody yet").isEqualTo("no_consent");

        String body = MetaReplay.fixture("webhooks/messages-system-user-changed-number.json").body().toString()
                .replace("106540352242922", shop.phoneNumberId()).replace("102290129340398", shop.wabaId());
        HttpResponse<String> posted = Http.post(URI.create(runtime.baseUrl() + "/webhook"), body.getBytes(StandardCharsets.UTF_8),
                "content-type", "application/json", "x-hub-signature-256",
                WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(posted.statusCode()).isEqualTo(200);

        // Consent, window and history follow the person to the new number.
        assertThat(eventually(() -> canSend(after, "marketing").path("reason").asText().equals("opted_out"))).isTrue();
        assertThat(canSend(after, "utility").path("inWindow").asBoolean()).isTrue();
        assertThat(conversation(after)).contains(first);

        // The user writes from the new number (with a new BSUID): the same conversation.
        String next = meta.userSendsText(after, shop.phoneNumberId(), "halo dari nomor baru");
        assertThat(eventually(() -> conversation(before).contains(next))).isTrue();
    }

    @Test
    void theSandboxSendsTheNumberChangeAsMetaDoes() throws Exception {
        String before = "6281200009202";
        String after = "6281200009203";
        String first = meta.userSendsText(before, shop.phoneNumberId(), "sebelum ganti nomor");
        assertThat(eventually(() -> call("GET", "/v1/messages/" + first, null).statusCode() == 200)).isTrue();
        String system = meta.userChangesNumber(before, after, shop.phoneNumberId());
        assertThat(eventually(() -> call("GET", "/v1/messages/" + system, null).statusCode() == 200)).isTrue();
        assertThat(call("POST", "/v1/conversations/" + shop.phoneNumberId() + ":" + after + "/handoff", Map.of()).statusCode())
                .as("handoff by the new number reaches the existing conversation").isEqualTo(200);
        assertThat(conversation(after)).contains(first).contains(system);
    }
}
