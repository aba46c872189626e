package io.wabridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.inbound.TenantId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fingerprint an Idempotency-Key is bound to: the same request in any key order matches, any change does not. */
class SendRequestTest {

    static final TenantId ACME = new TenantId("acme");

    static SendRequest request(Map<String, Object> content) {
        return new SendRequest(ACME, "111", "6281234567890", "interactive", content, null, "k1");
    }

    @Test
    void theSameContentInAnotherKeyOrderHasTheSameFingerprint() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", "button");
        a.put("body", Map.of("text", "Pick one"));
        a.put("footer", null);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("footer", null);
        b.put("body", Map.of("text", "Pick one"));
        b.put("type", "button");
        assertThat(request(a).fingerprint("POST /v1/messages")).isEqualTo(request(b).fingerprint("POST /v1/messages"));
    }

    @Test
    void anyDifferenceInWhatIsSentOrInTheRouteChangesIt() {
        Map<String, Object> base = Map.of("body", Map.of("text", "Pick one"), "list", List.of("a", "b"));
        String fp = request(base).fingerprint("POST /v1/messages");
        assertThat(request(Map.of("body", Map.of("text", "Pick two"), "list", List.of("a", "b"))).fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(request(Map.of("body", Map.of("text", "Pick one"), "list", List.of("b", "a"))).fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        // Values that would print alike are told apart by their kind and length.
        assertThat(request(Map.of("body", Map.of("text", "1"), "list", List.of("a", "b"))).fingerprint("POST /v1/messages"))
                .isNotEqualTo(request(Map.of("body", Map.of("text", 1), "list", List.of("a", "b"))).fingerprint("POST /v1/messages"));
        assertThat(request(base).fingerprint("POST /v1/notifications")).isNotEqualTo(fp);
        Map<String, Object> withNull = new HashMap<>(base);
        withNull.put("footer", null);
        assertThat(request(withNull).fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(new SendRequest(ACME, "111", "6281234567891", "interactive", base, null, "k1").fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(new SendRequest(ACME, "111", "6281234567890", "interactive", base, "wamid.X", "k1").fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(fp).hasSize(64);
    }
}
