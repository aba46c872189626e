package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wabridge.local.Http;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Tenant isolation on every JWT route of {@code openapi.yaml}, generated from the file (a new route is probed without
 * touching this test): tenant B's token with tenant A's ids in every path parameter, query parameter and body field
 * never gets A's data; a route with A's resource in its path (a channel, a message, a conversation, a notification)
 * answers 403 or 404, and a write naming A's channel or WABA in its body or query is refused. Afterwards A's data is all
 * still there.
 */
@EndToEnd
class CrossTenantAccessTest {

    static final String A = "tenant-a";
    static final String B = "tenant-b";
    static final String A_TEXT = "only-tenant-a-may-read-this-7c1e";
    static final String A_NAME = "Alpha Private Shop";

    static LocalRuntime runtime;
    static SandboxState.Customer alpha;
    static String user = "6281234500001";
    static String inboundWamid;
    static String sendId;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        alpha = Rig.connect(runtime, A, A_NAME, "6281100007001");
        Rig.connect(runtime, B, "Bravo Shop", "6281100007002");
        inboundWamid = runtime.sandbox().userSendsText(user, alpha.phoneNumberId(), A_TEXT);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status(A, "GET", "/v1/messages/" + inboundWamid) == 200)).isTrue();
        HttpResponse<String> sent = Rig.call(runtime, "POST", "/v1/messages", runtime.token(A, Duration.ofMinutes(10)), Map.of(
                "channel", alpha.phoneNumberId(), "to", user, "type", "text", "text", Map.of("body", A_TEXT + "-reply")));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        sendId = Rig.json(sent).path("id").asText();
    }


    static int status(String tenant, String method, String path) {
        try {
            return Rig.call(runtime, method, path, tenant).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** One operation of the OpenAPI file. */
    record Operation(String method, String path, Map<String, Object> spec) {
        boolean deletesTheTenant() {
            return method.equals("DELETE") && path.equals("/v1/tenant");
        }
    }

    static Map<String, Object> openApi;

    @SuppressWarnings("unchecked")
    static List<Operation> jwtOperations() throws Exception {
        openApi = new Yaml().load(Files.readString(Path.of("../openapi.yaml")));
        List<Operation> out = new ArrayList<>();
        ((Map<String, Map<String, Object>>) openApi.get("paths")).forEach((path, item) -> item.forEach((method, op) -> {
            if (op instanceof Map<?, ?> spec && spec.get("security") instanceof List<?> security && !security.isEmpty()) {
                out.add(new Operation(method.toUpperCase(), path, (Map<String, Object>) spec));
            }
        }));
        // Offboarding B last, so every other route still runs for a live tenant B.
        out.sort(Comparator.comparing(Operation::deletesTheTenant));
        return out;
    }

    /** Tenant A's value for a parameter of that name (a new parameter name needs one here). */
    static String aValue(String path, String name) {
        return switch (name) {
            case "phoneNumberId", "channel" -> alpha.phoneNumberId();
            case "waba" -> alpha.wabaId();
            case "wamid" -> inboundWamid;
            case "contact" -> user;
            case "id" -> path.contains("/conversations/") ? alpha.phoneNumberId() + ":" + user : sendId;
            case "name" -> "a_template";
            case "category" -> "utility";
            case "filename" -> "a.txt";
            default -> null;
        };
    }

    @Test
    @SuppressWarnings("unchecked")
    void tenantBNeverReachesTenantAsData() throws Exception {
        List<Operation> operations = jwtOperations();
        assertThat(operations).as("JWT routes in openapi.yaml").hasSizeGreaterThan(30);
        String bToken = runtime.token(B, Duration.ofMinutes(30));
        Set<String> aResources = Set.of("phoneNumberId", "wamid", "id", "channel", "waba");
        List<String> problems = new ArrayList<>();
        for (Operation op : operations) {
            String path = op.path();
            StringBuilder query = new StringBuilder();
            boolean namesAResource = false;
            boolean inPath = false;
            for (Object p : (List<Object>) op.spec().getOrDefault("parameters", List.of())) {
                Map<String, Object> param = (Map<String, Object>) p;
                String name = String.valueOf(param.get("name"));
                String in = String.valueOf(param.get("in"));
                if (in.equals("header")) {
                    continue;
                }
                String value = aValue(path, name);
                if (value == null) {
                    if (in.equals("path") || Boolean.TRUE.equals(param.get("required"))) {
                        fail("no tenant-A value for parameter '" + name + "' of " + op.method() + " " + op.path() + ": add one to aValue");
                    }
                    continue;
                }
                // A's resource in the path, or named in a query of a write: B must get 403/404. A GET naming A's
                // WABA or channel in its query answers from B's own records (empty), which the data check covers.
                inPath |= aResources.contains(name) && in.equals("path");
                namesAResource |= aResources.contains(name) && (in.equals("path") || !op.method().equals("GET"));
                String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
                if (in.equals("path")) {
                    path = path.replace("{" + name + "}", encoded);
                } else if (in.equals("query")) {
                    query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(encoded);
                }
            }
            Map<String, Object> body = null;
            if (op.spec().containsKey("requestBody")) {
                body = new LinkedHashMap<>();
                body.put("channel", alpha.phoneNumberId());
                body.put("phoneNumberId", alpha.phoneNumberId());
                body.put("phone_number_id", alpha.phoneNumberId());
                body.put("waba_id", alpha.wabaId());
                body.put("to", user);
                body.put("contact", user);
                body.put("type", "text");
                body.put("text", Map.of("body", "from tenant B"));
                body.put("action", "opt_out");
                body.put("recipients", List.of(user));
                body.put("name", "a_template");
                body.put("language", "en_US");
                body.put("category", "UTILITY");
                body.put("components", List.of(Map.of("type", "BODY", "text", "Hello")));
                namesAResource |= bodyFields(op).stream().anyMatch(Set.of("channel", "phoneNumberId", "phone_number_id", "waba_id")::contains);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path + query))
                    .method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(Rig.JSON.writeValueAsString(body)))
                    .header("content-type", "application/json").header("authorization", "Bearer " + bToken)
                    .header("idempotency-key", UUID.randomUUID().toString());
            HttpResponse<String> r = Rig.send(request);
            String label = op.method() + " " + path + query + " -> " + r.statusCode() + " " + abbreviate(r.body());
            if (r.body().contains(A_TEXT) || r.body().contains(A_NAME) || r.body().contains(sendId) && !(path + query).contains(sendId)) {
                problems.add("tenant A's data in the answer: " + label);
            }
            // A's resource in the path: 403 or 404. Named in a body or a write's query: refused (4xx), so nothing is done to it.
            if (r.statusCode() >= 500 || r.statusCode() == 401 || inPath && r.statusCode() != 403 && r.statusCode() != 404
                    || namesAResource && r.statusCode() < 400 && !op.deletesTheTenant() && !createsForItself(op)) {
                problems.add("not a tenant answer: " + label);
            }
            if (namesAResource && r.statusCode() < 300 && !op.deletesTheTenant() && !createsForItself(op)) {
                problems.add("tenant A's resource served to tenant B: " + label);
            }
        }
        assertThat(problems).isEmpty();

        // A's channel, messages and conversation are untouched.
        HttpResponse<String> channel = Rig.call(runtime, "GET", "/v1/channels/" + alpha.phoneNumberId(), A);
        assertThat(channel.statusCode()).isEqualTo(200);
        assertThat(Rig.json(channel).path("status").asText()).isEqualTo("active");
        assertThat(Rig.call(runtime, "GET", "/v1/messages/" + inboundWamid, A).body()).contains(A_TEXT);
        HttpResponse<String> conversations = Rig.call(runtime, "GET", "/v1/channels/" + alpha.phoneNumberId() + "/conversations", A);
        String contactKey = Rig.json(conversations).path("items").path(0).path("contact").asText();
        assertThat(contactKey).as(conversations.body()).isNotEmpty();
        assertThat(Rig.call(runtime, "GET", "/v1/channels/" + alpha.phoneNumberId() + "/conversations/" + contactKey + "/messages", A).body())
                .contains(A_TEXT);
        HttpResponse<String> consent = Rig.call(runtime, "GET", "/v1/contacts/" + user + "/consent", A);
        assertThat(consent.body()).doesNotContain("opt_out");
    }

    /** The top-level fields of the operation's JSON request body ($ref resolved). */
    @SuppressWarnings("unchecked")
    static Set<String> bodyFields(Operation op) {
        if (!(op.spec().get("requestBody") instanceof Map<?, ?>)) {
            return Set.of();
        }
        Map<String, Object> requestBody = (Map<String, Object>) op.spec().get("requestBody");
        Map<String, Object> content = (Map<String, Object>) requestBody.getOrDefault("content", Map.of());
        Object schema = ((Map<String, Object>) content.getOrDefault("application/json", Map.of())).get("schema");
        if (schema instanceof Map<?, ?> m && m.get("$ref") instanceof String ref) {
            schema = ((Map<String, Object>) ((Map<String, Object>) openApi.get("components")).get("schemas")).get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema instanceof Map<?, ?> m && m.get("properties") instanceof Map<?, ?> props
                ? ((Map<String, Object>) props).keySet() : Set.of();
    }

    /** Routes whose body names no resource of anyone's: B starting its own signup session. */
    static boolean createsForItself(Operation op) {
        return op.path().equals("/v1/signup/sessions");
    }

    static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
