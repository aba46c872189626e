package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.meta.OutboundContentJson;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import io.wabridge.core.send.SendValidation;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of Meta's documented per-type limits, checked against both sides so they cannot drift: WaBridge's send
 * validation refuses one character over with a 400 naming the field, and the sandbox (playing Meta) answers
 * (#131009) Parameter value is not valid; at the limit both accept. The sandbox keeps its own copy of the limits
 * (it must not share WaBridge's code, or a shared bug would pass), so this table is what ties them.
 *
 * <p>Sources: Meta's OpenAPI description (../shared/reference/meta-business-messaging-api_v23.0.yaml: HeaderObject,
 * BodyObject, FooterObject, ActionObject, SectionObject, MediaObject) and the interactive message pages
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages,
 * .../interactive-reply-buttons-messages, .../interactive-cta-url-messages.
 */
class MetaLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message whose {@code @@} is replaced by a string of n characters; {@code field} is what WaBridge names. */
    record Limit(String type, String template, String field, int max) {
        @Override
        public String toString() {
            return field + " <= " + max;
        }

        Map<String, Object> content(int length) {
            try {
                return JSON.readValue(template.replace("@@", "é".repeat(length)), new TypeReference<>() { });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final String BUTTONS = """
            {"type":"button","body":{"text":"Pick one"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"@@"}}]}}""";
    static final String LIST = """
            {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"r1","title":"@@"}]}]}}""";

    static Stream<Limit> limits() {
        return Stream.of(
                new Limit("interactive", """
                        {"type":"cta_url","body":{"text":"See dates"},"action":{"name":"cta_url","parameters":{"display_text":"@@","url":"https://example.com/d"}}}""",
                        "interactive.action.parameters.display_text", 20),
                new Limit("interactive", BUTTONS, "interactive.action.buttons[0].reply.title", 20),
                new Limit("interactive", """
                        {"type":"button","body":{"text":"Pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"@@","title":"Yes"}}]}}""",
                        "interactive.action.buttons[0].reply.id", 256),
                new Limit("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"@@","sections":[{"title":"S","rows":[{"id":"r1","title":"Row"}]}]}}""",
                        "interactive.action.button", 20),
                new Limit("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"@@","rows":[{"id":"r1","title":"Row"}]}]}}""",
                        "interactive.action.sections[0].title", 24),
                new Limit("interactive", LIST, "interactive.action.sections[0].rows[0].title", 24),
                new Limit("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"r1","title":"Row","description":"@@"}]}]}}""",
                        "interactive.action.sections[0].rows[0].description", 72),
                new Limit("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"@@","title":"Row"}]}]}}""",
                        "interactive.action.sections[0].rows[0].id", 200),
                new Limit("interactive", """
                        {"type":"button","header":{"type":"text","text":"@@"},"body":{"text":"Pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"Yes"}}]}}""",
                        "interactive.header.text", 60),
                new Limit("interactive", """
                        {"type":"button","body":{"text":"@@"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"Yes"}}]}}""",
                        "interactive.body.text", 1024),
                new Limit("interactive", """
                        {"type":"button","body":{"text":"Pick"},"footer":{"text":"@@"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"Yes"}}]}}""",
                        "interactive.footer.text", 60),
                new Limit("image", """
                        {"link":"https://example.com/a.jpg","caption":"@@"}""", "image.caption", 1024),
                new Limit("video", """
                        {"link":"https://example.com/a.mp4","caption":"@@"}""", "video.caption", 1024),
                new Limit("document", """
                        {"link":"https://example.com/a.pdf","caption":"@@"}""", "document.caption", 1024),
                new Limit("text", """
                        {"body":"@@"}""", "text.body", 4096));
    }

    static MetaSandbox meta;
    static SandboxState.Customer shop;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        meta = MetaSandbox.start("100000000000009", "limits-secret", 0, Clock.systemUTC());
        shop = meta.createCustomer("Limits", "15550001999");
        meta.register(shop.phoneNumberId());
        token = meta.businessToken(shop.businessId(), null);
    }

    @AfterAll
    static void stop() {
        meta.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void wabridgeAndTheSandboxAgreeOnEachLimit(Limit limit) throws Exception {
        SendValidation.validate(request(limit.type(), limit.content(limit.max())));
        assertThat(sandboxSend(limit.type(), limit.content(limit.max())).statusCode()).as("sandbox at the limit").isEqualTo(200);

        SendRejected refused = catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(request(limit.type(), limit.content(limit.max() + 1))));
        assertThat(refused).as("WaBridge one over the limit").isNotNull();
        assertThat(io.wabridge.adapters.lambda.HttpRefusals.status(refused.kind())).isEqualTo(400);
        assertThat(refused.field()).isEqualTo(limit.field());
        HttpResponse<String> meta = sandboxSend(limit.type(), limit.content(limit.max() + 1));
        assertThat(meta.statusCode()).as(meta.body()).isEqualTo(400);
        assertThat(JSON.readTree(meta.body()).path("error").path("code").asInt()).isIn(131009, 100);
    }

    @Test
    void countsUniquenessAndCaptionRulesHoldOnBothSides() throws Exception {
        List<Map.Entry<String, String>> refusedBoth = List.of(
                // 11 rows across two sections (at most 10 in all)
                Map.entry("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[
                        {"title":"A","rows":[{"id":"1","title":"1"},{"id":"2","title":"2"},{"id":"3","title":"3"},{"id":"4","title":"4"},{"id":"5","title":"5"},{"id":"6","title":"6"}]},
                        {"title":"B","rows":[{"id":"7","title":"7"},{"id":"8","title":"8"},{"id":"9","title":"9"},{"id":"10","title":"10"},{"id":"11","title":"11"}]}]}}"""),
                // 11 sections
                Map.entry("interactive", "{\"type\":\"list\",\"body\":{\"text\":\"M\"},\"action\":{\"button\":\"Open\",\"sections\":["
                        + String.join(",", java.util.Collections.nCopies(11, "{\"title\":\"S\",\"rows\":[]}")) + "]}}"),
                // two sections, one without a title
                Map.entry("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"A","rows":[{"id":"1","title":"1"}]},{"rows":[{"id":"2","title":"2"}]}]}}"""),
                // duplicate reply button ids
                Map.entry("interactive", """
                        {"type":"button","body":{"text":"Pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"Yes"}},{"type":"reply","reply":{"id":"a","title":"No"}}]}}"""),
                // four reply buttons
                Map.entry("interactive", """
                        {"type":"button","body":{"text":"Pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}},{"type":"reply","reply":{"id":"b","title":"B"}},{"type":"reply","reply":{"id":"c","title":"C"}},{"type":"reply","reply":{"id":"d","title":"D"}}]}}"""),
                // audio and sticker have no caption
                Map.entry("audio", """
                        {"link":"https://example.com/a.ogg","caption":"no"}"""),
                Map.entry("sticker", """
                        {"link":"https://example.com/a.webp","caption":"no"}"""));
        for (var e : refusedBoth) {
            Map<String, Object> content = JSON.readValue(e.getValue(), new TypeReference<>() { });
            assertThatThrownBy(() -> SendValidation.validate(request(e.getKey(), content))).as(e.getValue()).isInstanceOf(SendRejected.class);
            assertThat(sandboxSend(e.getKey(), content).statusCode()).as(e.getValue()).isEqualTo(400);
        }
    }

    /** The issue's two cases: a 33-character CTA text and a 44-character row title are refused, naming the field. */
    @Test
    void aLongCtaTextAndALongRowTitleAreRefusedNamingTheField() {
        Map<String, Object> cta = new Limit("interactive", limits().findFirst().orElseThrow().template(), "", 0).content(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) ((Map<String, Object>) cta.get("action")).get("parameters");
        params.put("display_text", "Track your order on our website!!");
        assertThat(catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(request("interactive", cta))).field())
                .isEqualTo("interactive.action.parameters.display_text");
        Map<String, Object> list = new Limit("interactive", LIST, "", 0).content(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) ((List<Map<String, Object>>) ((List<Map<String, Object>>) ((Map<String, Object>) list.get("action"))
                .get("sections")).get(0).get("rows")).get(0);
        row.put("title", "Premium delivery within two hours, insured!!");
        SendRejected refused = catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(request("interactive", list)));
        assertThat(refused.field()).isEqualTo("interactive.action.sections[0].rows[0].title");
        assertThat(refused.code()).isEqualTo("invalid_interactive_action_sections_rows_title");
    }

    private static SendRequest request(String type, Map<String, Object> content) {
        // Read as the API reads a send's JSON, then checked as the API checks it.
        return new SendRequest(new TenantId("limits"), "106540352242922", "16505551234", OutboundContentJson.read(type, content), null, null);
    }

    private static HttpResponse<String> sandboxSend(String type, Map<String, Object> content) throws Exception {
        String body = JSON.writeValueAsString(Map.of("messaging_product", "whatsapp", "to", "16505551234", "type", type, type, content));
        return Http.send(HttpRequest.newBuilder(URI.create(meta.graphUrl("v23.0") + "/" + shop.phoneNumberId() + "/messages"))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
