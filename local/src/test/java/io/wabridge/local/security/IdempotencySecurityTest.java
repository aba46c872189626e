package io.wabridge.local.security;

import static io.wabridge.local.Http.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Idempotency-Key is bound to the request it was first used for (Stripe's rule). The same key
 * with another body is {@code 422 idempotency_key_reused} and the first send is untouched; the same request again
 * gets the first answer; of concurrent different requests under one key one wins and no other is told 202.
 */
@EndToEnd
class IdempotencySecurityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TENANT = "idem";
    static final String USER = "6281277770001";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static SandboxState.Customer shop;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        meta = runtime.sandbox();
        shop = connect("Toko Kunci", "6281100007001");
        // The user writes first, so free-form text is inside the 24-hour window.
        String wamid = meta.userSendsText(USER, shop.phoneNumberId(), "halo");
        assertThat(eventually(Duration.ofSeconds(20), () -> call("GET", "/v1/messages/" + wamid, null, null).statusCode() == 200)).isTrue();
    }


    @Test
    void aKeyReusedForAnotherBodyIsRefusedAndTheFirstSendIsUntouched() throws Exception {
        String key = "order-" + UUID.randomUUID();
        String first = "first " + UUID.randomUUID();
        String other = "other " + UUID.randomUUID();
        HttpResponse<String> a = call("POST", "/v1/messages", key, text(first));
        assertThat(a.statusCode()).as(a.body()).isEqualTo(202);
        String id = json(a).path("id").asText();

        HttpResponse<String> b = call("POST", "/v1/messages", key, text(other));
        assertThat(b.statusCode()).as(b.body()).isEqualTo(422);
        assertThat(json(b).path("error").path("code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(b.body()).doesNotContain(id);

        assertThat(eventually(Duration.ofSeconds(20), () -> sentToMeta(first) == 1)).isTrue();
        JsonNode record = json(call("GET", "/v1/messages/" + id, null, null));
        assertThat(record.path("content").path("body").asText()).isEqualTo(first);
        assertThat(sentToMeta(other)).isZero();
    }

    @Test
    void theSameRequestAgainGetsTheFirstAnswerWhateverItsKeyOrderOrSpacing() throws Exception {
        String key = "same-" + UUID.randomUUID();
        String body = "again " + UUID.randomUUID();
        HttpResponse<String> a = call("POST", "/v1/messages", key, text(body));
        assertThat(a.statusCode()).as(a.body()).isEqualTo(202);
        // The same JSON object, written with its keys in another order and other spacing.
        String reordered = "{ \"type\" : \"text\", \"text\": {\"body\": " + JSON.writeValueAsString(body) + "}, \"to\":\"" + USER
                + "\",\n \"channel\": \"" + shop.phoneNumberId() + "\" }";
        HttpResponse<String> b = raw(key, reordered);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(202);
        assertThat(json(b).path("id").asText()).isEqualTo(json(a).path("id").asText());
        assertThat(json(b).path("repeated").asBoolean()).isTrue();
        assertThat(eventually(Duration.ofSeconds(20), () -> sentToMeta(body) == 1)).isTrue();
    }

    @Test
    void ofThirtyConcurrentDifferentRequestsUnderOneKeyOneWinsAndNoOtherIsToldAccepted() throws Exception {
        String key = "race-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(30);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                String body = "race " + run + " #" + i + ".";
                answers.add(pool.submit((Callable<HttpResponse<String>>) () -> call("POST", "/v1/messages", key, text(body))));
            }
            List<String> accepted = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 202) {
                    accepted.add(json(r).path("id").asText());
                } else {
                    assertThat(r.statusCode()).as(r.body()).isIn(409, 422);
                    assertThat(json(r).path("error").path("code").asText()).isIn("idempotency_key_reused", "idempotency_key_in_use");
                }
            }
            assertThat(accepted).hasSize(1);
            // The one accepted is the one sent, and nothing else of the race reaches Meta.
            assertThat(eventually(Duration.ofSeconds(20), () -> sentToMeta("race " + run) == 1)).isTrue();
            String sentBody = json(call("GET", "/v1/messages/" + accepted.get(0), null, null)).path("content").path("body").asText();
            assertThat(sentToMeta(sentBody)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRepeatsOfOneRequestAreOneSendWithOneId() throws Exception {
        String key = "repeat-" + UUID.randomUUID();
        String body = "repeat " + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit((Callable<HttpResponse<String>>) () -> call("POST", "/v1/messages", key, text(body))));
            }
            List<String> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                ids.add(json(r).path("id").asText());
            }
            assertThat(ids).containsOnly(ids.get(0));
            assertThat(eventually(Duration.ofSeconds(20), () -> sentToMeta(body) == 1)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    // ----- helpers ---------------------------------------------------------------------------------------------------

    static Map<String, Object> text(String body) {
        return Map.of("channel", shop.phoneNumberId(), "to", USER, "type", "text", "text", Map.of("body", body));
    }

    static long sentToMeta(String text) {
        return Rig.sentToMeta(runtime, text);
    }

    static SandboxState.Customer connect(String name, String number) throws Exception {
        return Rig.connect(runtime, TENANT, name, number);
    }

    /** On the pro plan: the races send 30 requests at once, over the default plan's burst of 40 a second with the polls. */
    static HttpResponse<String> call(String method, String path, String idempotencyKey, Object body) {
        try {
            return Rig.call(runtime, method, path, runtime.token(TENANT, "pro", Duration.ofMinutes(10)), idempotencyKey, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> raw(String idempotencyKey, String body) throws Exception {
        return Rig.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json")
                .header("authorization", "Bearer " + runtime.token(TENANT, "pro", Duration.ofMinutes(10)))
                .header("idempotency-key", idempotencyKey));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Rig.json(r);
    }
}
