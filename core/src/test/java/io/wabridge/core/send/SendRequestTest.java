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

    static SendRequest request(OutboundContent content) {
        return new SendRequest(ACME, "111", "6281234567890", content, null, "k1");
    }

    static OutboundContent.Interactive flow(Map<String, Object> parameters) {
        return new OutboundContent.Interactive("flow", null, "Pick one", null, new OutboundContent.Flow(parameters));
    }

    static OutboundContent.Template template(Object parameter) {
        return new OutboundContent.Template("order", "en_US", null,
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text", "text", parameter)))));
    }

    @Test
    void theSameContentInAnotherKeyOrderHasTheSameFingerprint() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("flow_id", "1");
        a.put("flow_cta", "Book");
        a.put("mode", null);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("mode", null);
        b.put("flow_cta", "Book");
        b.put("flow_id", "1");
        assertThat(request(flow(a)).fingerprint("POST /v1/messages")).isEqualTo(request(flow(b)).fingerprint("POST /v1/messages"));
    }

    @Test
    void anyDifferenceInWhatIsSentOrInTheRouteChangesIt() {
        OutboundContent base = new OutboundContent.Interactive("list", null, "Pick one", null, new OutboundContent.ListAction("Open",
                List.of(new OutboundContent.Section(null, List.of(new OutboundContent.Row("a", "A", null), new OutboundContent.Row("b", "B", null))))));
        String fp = request(base).fingerprint("POST /v1/messages");
        assertThat(request(new OutboundContent.Interactive("list", null, "Pick two", null, ((OutboundContent.Interactive) base).action()))
                .fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(request(new OutboundContent.Interactive("list", null, "Pick one", null, new OutboundContent.ListAction("Open",
                List.of(new OutboundContent.Section(null, List.of(new OutboundContent.Row("b", "B", null), new OutboundContent.Row("a", "A", null)))))))
                .fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        // A field given empty is not a field left out.
        assertThat(request(new OutboundContent.Interactive("list", null, "Pick one", "", ((OutboundContent.Interactive) base).action()))
                .fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        // Values that would print alike are told apart by their kind and length.
        assertThat(request(template("1")).fingerprint("POST /v1/messages")).isNotEqualTo(request(template(1)).fingerprint("POST /v1/messages"));
        assertThat(request(new OutboundContent.Text("hi", null)).fingerprint("POST /v1/messages"))
                .isNotEqualTo(request(new OutboundContent.Text("hi", false)).fingerprint("POST /v1/messages"));
        assertThat(request(new OutboundContent.Media(OutboundContent.Media.Kind.IMAGE, "1", null, null, null)).fingerprint("POST /v1/messages"))
                .isNotEqualTo(request(new OutboundContent.Media(OutboundContent.Media.Kind.VIDEO, "1", null, null, null)).fingerprint("POST /v1/messages"));
        assertThat(request(base).fingerprint("POST /v1/notifications")).isNotEqualTo(fp);
        Map<String, Object> parameters = new HashMap<>(Map.of("flow_id", "1"));
        String withoutNull = request(flow(parameters)).fingerprint("POST /v1/messages");
        parameters.put("mode", null);
        assertThat(request(flow(parameters)).fingerprint("POST /v1/messages")).isNotEqualTo(withoutNull);
        assertThat(new SendRequest(ACME, "111", "6281234567891", base, null, "k1").fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(new SendRequest(ACME, "111", "6281234567890", base, "wamid.X", "k1").fingerprint("POST /v1/messages")).isNotEqualTo(fp);
        assertThat(fp).hasSize(64);
    }
}
