package io.wabridge.local.security;

import static io.wabridge.local.Http.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Signup binds only ids the exchanged token proves. A tenant's own valid code and WABA
 * with another business's phone_number_id is refused 403 and claims nothing; a number moves only when its
 * owner's token no longer grants it, with an audit record and an event to both.
 */
@EndToEnd
class SignupSquattingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static LocalRuntime runtime;
    static MetaSandbox meta;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        meta = runtime.sandbox();
    }


    static HttpResponse<String> call(String method, String path, String tenant, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + runtime.token(tenant, Duration.ofMinutes(10)));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String session(String tenant) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/signup/sessions", tenant, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("state").asText();
    }

    static HttpResponse<String> complete(String tenant, String code, String wabaId, String phoneNumberId, String businessId) throws Exception {
        return call("POST", "/v1/signup/complete", tenant, Map.of("state", session(tenant), "event", "FINISH", "code", code,
                "waba_id", wabaId, "phone_number_id", phoneNumberId, "business_id", businessId));
    }

    static String errorCode(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    static boolean event(String type, String tenant, String phoneNumberId) {
        return runtime.aws().events().received().stream().anyMatch(e -> e.path("detail-type").asText().equals(type)
                && e.path("detail").path("tenantId").asText().equals(tenant) && e.path("detail").path("phoneNumberId").asText().equals(phoneNumberId));
    }

    static JsonNode event1(String type, String tenant) {
        return runtime.aws().events().received().stream().filter(e -> e.path("detail-type").asText().equals(type)
                && e.path("detail").path("tenantId").asText().equals(tenant)).findFirst().orElseThrow().path("detail");
    }

    @Test
    void anotherBusinesssNumberWithOwnCodeAndWabaIsRefusedAndClaimsNothing() throws Exception {
        SandboxState.Customer victim = meta.createCustomer("Victim Shop", "6281100009001");
        SandboxState.Customer squatter = meta.createCustomer("Squatter Ltd", "6281100009002");

        // The squatter's own valid code and WABA, the victim's phone_number_id.
        HttpResponse<String> squat = complete("squatter", meta.signupCode(squatter.businessId()), squatter.wabaId(), victim.phoneNumberId(),
                squatter.businessId());
        assertThat(squat.statusCode()).as(squat.body()).isEqualTo(403);
        assertThat(errorCode(squat)).isEqualTo("number_not_granted");
        assertThat(call("GET", "/v1/channels/" + victim.phoneNumberId(), "squatter", null).statusCode()).isEqualTo(404);
        assertThat(meta.calls()).as("nothing is done to the victim's number").noneMatch(c -> c.path().contains(victim.phoneNumberId() + "/"));

        // The squatter's code with the victim's WABA and number: the token does not grant that WABA.
        HttpResponse<String> wholesale = complete("squatter", meta.signupCode(squatter.businessId()), victim.wabaId(), victim.phoneNumberId(),
                victim.businessId());
        assertThat(wholesale.statusCode()).as(wholesale.body()).isEqualTo(403);
        assertThat(errorCode(wholesale)).isEqualTo("number_not_granted");

        // The real owner's signup works afterwards.
        HttpResponse<String> owner = complete("victim", meta.signupCode(victim.businessId()), victim.wabaId(), victim.phoneNumberId(),
                victim.businessId());
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
        assertThat(JSON.readTree(owner.body()).path("outcome").asText()).isEqualTo("active");

        // Inbound to the victim's number reaches the victim only.
        String wamid = meta.userSendsText("6281234599001", victim.phoneNumberId(), "halo");
        assertThat(eventually(Duration.ofSeconds(20), () -> {
            try {
                return call("GET", "/v1/messages/" + wamid, "victim", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(call("GET", "/v1/messages/" + wamid, "squatter", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/channels", "squatter", null).body()).doesNotContain(victim.phoneNumberId());
    }

    @Test
    void aNumberMovesOnlyWhenItsOwnersTokenNoLongerGrantsIt() throws Exception {
        SandboxState.Customer c = meta.createCustomer("Sold Business", "6281100009003");
        assertThat(complete("seller", meta.signupCode(c.businessId()), c.wabaId(), c.phoneNumberId(), c.businessId()).statusCode()).isEqualTo(200);

        // While the owner's token still grants it, a second tenant proving it too is refused.
        HttpResponse<String> early = complete("buyer", meta.signupCode(c.businessId()), c.wabaId(), c.phoneNumberId(), c.businessId());
        assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
        assertThat(errorCode(early)).isEqualTo("number_taken");

        // The owner's token stops granting it: the next tenant that proves the number gets it.
        meta.revokeTokens(c.businessId());
        HttpResponse<String> moved = complete("buyer", meta.signupCode(c.businessId()), c.wabaId(), c.phoneNumberId(), c.businessId());
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", "/v1/channels/" + c.phoneNumberId(), "seller", null).body()).path("status").asText())
                .isEqualTo("disconnected");
        assertThat(eventually(Duration.ofSeconds(10), () -> event("channel.ownership_moved", "seller", c.phoneNumberId())
                && event("channel.ownership_moved", "buyer", c.phoneNumberId()) && event("channel.disconnected", "seller", c.phoneNumberId()))).isTrue();
        assertThat(event1("channel.ownership_moved", "buyer").path("role").asText()).isEqualTo("gained");
        assertThat(event1("channel.ownership_moved", "seller").path("role").asText()).isEqualTo("lost");
        assertThat(event1("channel.ownership_moved", "buyer").toString()).as("no tenant learns the other's id").doesNotContain("seller");

        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        for (String tenant : List.of("seller", "buyer")) {
            List<Map<String, AttributeValue>> audit = wiring.dynamo().query(q -> q.tableName(wiring.config().tableName())
                    .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableItems.audit(new io.wabridge.core.inbound.TenantId(tenant)))))).items();
            assertThat(audit).as("audit record for " + tenant)
                    .anyMatch(a -> a.get("action").s().startsWith("channel.ownership_") && a.get("subject").s().equals(c.phoneNumberId()));
        }

        // Inbound now goes to the new owner only.
        String wamid = meta.userSendsText("6281234599003", c.phoneNumberId(), "after the move");
        assertThat(eventually(Duration.ofSeconds(20), () -> {
            try {
                return call("GET", "/v1/messages/" + wamid, "buyer", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(call("GET", "/v1/messages/" + wamid, "seller", null).statusCode()).isEqualTo(404);
    }
}
