package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What the security tests share: a local runtime driven over real HTTP, as a hostile caller would drive it. */
final class Rig {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Rig() {}

    static LocalRuntime start(Path data) throws Exception {
        return LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), Path.of("../openapi.yaml")));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code method path} on the gateway with {@code Authorization: Bearer token} (none when token is null). */
    static HttpResponse<String> call(LocalRuntime runtime, String method, String path, String token, Object body) throws Exception {
        return call(runtime, method, path, token, null, body);
    }

    /** The same, with an {@code Idempotency-Key} header when {@code idempotencyKey} is not null. */
    static HttpResponse<String> call(LocalRuntime runtime, String method, String path, String token, String idempotencyKey, Object body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json");
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            b.header("idempotency-key", idempotencyKey);
        }
        return send(b);
    }

    /** How many of Meta's accepted sends carried {@code text}. */
    static long sentToMeta(LocalRuntime runtime, String text) {
        return runtime.sandbox().calls().stream().filter(c -> c.path().endsWith("/messages") && c.body().contains(text) && c.status() == 200).count();
    }

    static HttpResponse<String> call(LocalRuntime runtime, String method, String path, String tenant) throws Exception {
        return call(runtime, method, path, runtime.token(tenant, Duration.ofMinutes(10)), null);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** A signed POST to /webhook of these exact bytes, as Meta sends it. */
    static HttpResponse<String> webhook(LocalRuntime runtime, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json")
                .header("x-hub-signature-256", WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    /** A customer's number connected to {@code tenant} through Embedded Signup, the sandbox playing Meta. */
    static SandboxState.Customer connect(LocalRuntime runtime, String tenant, String name, String number) throws Exception {
        SandboxState.Customer c = runtime.sandbox().createCustomer(name, number);
        HttpResponse<String> session = call(runtime, "POST", "/v1/signup/sessions", runtime.token(tenant, Duration.ofMinutes(10)), Map.of());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        HttpResponse<String> r = call(runtime, "POST", "/v1/signup/complete", runtime.token(tenant, Duration.ofMinutes(10)), Map.of(
                "state", json(session).path("state").asText(), "event", "FINISH", "code", runtime.sandbox().signupCode(c.businessId()),
                "waba_id", c.wabaId(), "phone_number_id", c.phoneNumberId(), "business_id", c.businessId()));
        assertThat(json(r).path("outcome").asText()).as(r.body()).isEqualTo("active");
        return c;
    }
}
