package io.wabridge.adapters.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.MetaMessages;
import io.wabridge.core.send.OutboundContent;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import io.wabridge.core.send.SendValidation;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Meta's message objects read into {@link OutboundContent} and written back unchanged. The examples are Meta's, from
 * the message pages of the Cloud API documentation
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages, .../image-messages,
 * .../document-messages, .../template-messages, .../interactive-reply-buttons-messages, .../interactive-list-messages,
 * .../interactive-cta-url-messages, .../interactive-flow-messages, .../location-request-messages, .../reaction-messages,
 * .../location-messages, .../contacts-messages), with ids and numbers made up.
 */
class OutboundContentJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> metaExamples() {
        return Stream.of(
                Arguments.of("text", """
                        {"preview_url":true,"body":"As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/"}"""),
                Arguments.of("image", """
                        {"id":"1479537139650973","caption":"The best succulent ever?"}"""),
                Arguments.of("document", """
                        {"link":"https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf","caption":"Lucky Shrub Invoice","filename":"lucky-shrub-invoice.pdf"}"""),
                Arguments.of("audio", """
                        {"id":"1013859600285441"}"""),
                Arguments.of("template", """
                        {"name":"order_confirmation","language":{"policy":"deterministic","code":"en_US"},"components":[
                        {"type":"header","parameters":[{"type":"image","image":{"link":"https://example.com/image.jpg"}}]},
                        {"type":"body","parameters":[{"type":"text","text":"Jessica"},{"type":"currency","currency":{"fallback_value":"$100.99","code":"USD","amount_1000":100990}}]},
                        {"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"ORDER_DETAILS_CLICKED"}]}]}"""),
                Arguments.of("interactive", """
                        {"type":"button","header":{"type":"image","image":{"id":"2762702990552401"}},
                        "body":{"text":"Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!"},
                        "footer":{"text":"Lucky Shrub: Your gateway to succulents!"},"action":{"buttons":[{"type":"reply","reply":{"id":"change-button","title":"Change"}},
                        {"type":"reply","reply":{"id":"cancel-button","title":"Cancel"}}]}}"""),
                Arguments.of("interactive", """
                        {"type":"list","header":{"type":"text","text":"Choose Shipping Option"},"body":{"text":"Which shipping option do you prefer?"},"footer":{"text":"Lucky Shrub"},
                        "action":{"button":"Shipping Options","sections":[{"title":"I want it ASAP!","rows":[{"id":"priority_express","title":"Priority Mail Express",
                        "description":"Next Day to 2 Days"},
                        {"id":"priority_mail","title":"Priority Mail","description":"1–3 Days"}]},{"title":"I can wait a bit","rows":[{"id":"usps_ground_advantage",
                        "title":"USPS Ground Advantage"}]}]}}"""),
                Arguments.of("interactive", """
                        {"type":"cta_url","header":{"type":"text","text":"New workshop dates!"},"body":{"text":"Tap the button below to see available dates."},
                        "action":{"name":"cta_url","parameters":{"display_text":"See Dates","url":"https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4"}}}"""),
                Arguments.of("interactive", """
                        {"type":"flow","header":{"type":"text","text":"Flow message header"},"body":{"text":"Flow message body"},"footer":{"text":"Flow message footer"},
                        "action":{"name":"flow","parameters":{"flow_message_version":"3","flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","flow_id":"1","flow_cta":"Book!","flow_action":"navigate",
                        "flow_action_payload":{"screen":"<SCREEN_NAME>","data":{"product_name":"name","product_description":"description","product_price":100}}}}}"""),
                Arguments.of("interactive", """
                        {"type":"location_request_message","body":{"text":"Let's start with your pickup. You can either manually *enter an address* or *share your current location*."},
                        "action":{"name":"send_location"}}"""),
                Arguments.of("reaction", """
                        {"message_id":"wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTRCRDcwNzgzMTRDNTAwRTgwRQA=","emoji":"\\uD83D\\uDE00"}"""),
                Arguments.of("location", """
                        {"latitude":37.44216251868683,"longitude":-122.16153582049394,"name":"Philz Coffee","address":"101 Forest Ave, Palo Alto, CA 94301"}"""),
                Arguments.of("contacts", """
                        [{"addresses":[{"street":"1 Lucky Shrub Way","city":"Menlo Park","state":"CA","zip":"94025","country":"United States","country_code":"US","type":"WORK"}],
                        "birthday":"1999-01-23","emails":[{"email":"bjohnson@luckyshrub.com","type":"WORK"}],"name":{"formatted_name":"Barbara J. Johnson","first_name":"Barbara",
                        "last_name":"Johnson"},
                        "org":{"company":"Lucky Shrub","department":"Legal","title":"Lead Counsel"},"phones":[{"phone":"+16505559999","type":"HOME"},{"phone":"+19175559999",
                        "type":"WORK","wa_id":"19175559999"}],
                        "urls":[{"url":"https://www.luckyshrub.com","type":"WORK"}]}]"""));
    }

    @ParameterizedTest(name = "{0} {index}")
    @MethodSource("metaExamples")
    void metasExamplesAreReadCheckedAndWrittenBackUnchanged(String type, String json) throws Exception {
        Object given = JSON.readValue(json, Object.class);
        OutboundContent content = OutboundContentJson.read(type, given);
        assertThat(content.type()).isEqualTo(type);
        SendValidation.validate(content);
        // JSON equality: the same fields and values, whatever their order.
        assertThat(JSON.readTree(JSON.writeValueAsString(OutboundContentJson.write(content)))).isEqualTo(JSON.readTree(json));
        // The stored form reads back as the same content.
        assertThat(OutboundContentJson.read(type, JSON.readValue(JSON.writeValueAsString(OutboundContentJson.stored(content)), Object.class)))
                .isEqualTo(content);
    }

    @Test
    void aContactsMessageIsStoredUnderOneKeyAsRecordsInATableHaveIt() throws Exception {
        List<Object> cards = List.of(Map.of("name", Map.of("formatted_name", "Barbara J. Johnson")));
        OutboundContent content = OutboundContentJson.read("contacts", cards);
        assertThat(OutboundContentJson.stored(content)).isEqualTo(Map.of("contacts", cards));
        assertThat(OutboundContentJson.write(content)).isEqualTo(cards);
        assertThat(OutboundContentJson.read("contacts", Map.of("contacts", cards))).isEqualTo(content);
    }

    @Test
    void theGraphRequestNamesTheRecipientTheTypeTheReplyAndTheCallbackData() throws Exception {
        OutboundContent text = new OutboundContent.Text("hi", null);
        assertThat(JSON.writeValueAsString(OutboundContentJson.message(new MetaMessages.Message("6281234567890", text, "wamid.ABCD1234", "msg_1"))))
                .isEqualTo("""
                        {"messaging_product":"whatsapp","recipient_type":"individual","to":"6281234567890","type":"text","text":{"body":"hi"},\
                        "context":{"message_id":"wamid.ABCD1234"},"biz_opaque_callback_data":"msg_1"}""");
        // A BSUID is a recipient, not a "to"; a reaction carries no callback data.
        OutboundContent reaction = new OutboundContent.Reaction("wamid.ABCD1234", "👍");
        assertThat(OutboundContentJson.message(new MetaMessages.Message("US.1234567890", reaction, null, null)))
                .containsEntry("recipient", "US.1234567890").doesNotContainKeys("to", "biz_opaque_callback_data", "context")
                .containsEntry("reaction", Map.of("message_id", "wamid.ABCD1234", "emoji", "👍"));
        List<Object> cards = List.of(Map.of("name", Map.of("formatted_name", "B")));
        assertThat(OutboundContentJson.message(new MetaMessages.Message("6281234567890", new OutboundContent.Contacts(cards), null, "msg_2")))
                .containsEntry("contacts", cards);
    }

    @Test
    void theSameJsonInAnotherKeyOrderIsTheSameRequest() throws Exception {
        String a = """
                {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"r1","title":"Row"}]}]}}""";
        String b = """
                {"action":{"sections":[{"rows":[{"title":"Row","id":"r1"}],"title":"S"}],"button":"Open"},"body":{"text":"Menu"},"type":"list"}""";
        assertThat(request(a).fingerprint("POST /v1/messages")).isEqualTo(request(b).fingerprint("POST /v1/messages"));
        assertThat(request(a.replace("Row", "Rows")).fingerprint("POST /v1/messages")).isNotEqualTo(request(a).fingerprint("POST /v1/messages"));
    }

    private static SendRequest request(String interactive) throws Exception {
        return new SendRequest(new TenantId("acme"), "111", "6281234567890",
                OutboundContentJson.read("interactive", JSON.readValue(interactive, Object.class)), null, "k1");
    }

    static Stream<Arguments> wrongKinds() {
        return Stream.of(
                Arguments.of("sms", "{\"body\":\"hi\"}", "type"),
                Arguments.of("text", null, "text"),
                Arguments.of("text", "\"hi\"", "text"),
                Arguments.of("text", "{\"body\":5}", "text.body"),
                Arguments.of("image", "{\"link\":[\"https://example.com/a.jpg\"]}", "image.link"),
                Arguments.of("image", "{\"id\":{\"x\":1}}", "image"),
                Arguments.of("document", "{\"id\":\"1\",\"caption\":false}", "document.caption"),
                Arguments.of("template", "{\"name\":\"t\",\"language\":{\"code\":\"en\"},\"components\":{}}", "template.components"),
                Arguments.of("interactive", """
                        {"type":"list","body":{"text":"M"},"action":{"button":"Open","sections":[{"rows":[{"id":"1","title":"a"},{"id":"2","title":"b"},{"id":"3","title":7}]}]}}""",
                        "interactive.action.sections[0].rows[2].title"),
                Arguments.of("interactive", """
                        {"type":"button","body":{"text":"M"},"action":{"buttons":[{"type":"reply","reply":{"id":1,"title":"a"}}]}}""",
                        "interactive.action.buttons[0].reply.id"),
                Arguments.of("reaction", "{\"message_id\":\"wamid.ABCD1234\",\"emoji\":1}", "reaction.emoji"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("wrongKinds")
    void aFieldOfTheWrongJsonKindIsRefusedNamingIt(String type, String json, String field) throws Exception {
        Object given = json == null ? null : JSON.readValue(json, Object.class);
        SendRejected refused = catchThrowableOfType(SendRejected.class, () -> OutboundContentJson.read(type, given));
        assertThat(refused).isNotNull();
        assertThat(refused.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.INVALID);
        assertThat(refused.field()).isEqualTo(field);
        assertThat(refused.code()).isEqualTo("invalid_" + field.replaceAll("\\[[0-9]+]", "").replaceAll("[^a-z0-9]+", "_"));
    }

    /** A field the typed content has no place for is refused by name, never dropped on the way to Meta. */
    @ParameterizedTest(name = "{2}")
    @MethodSource("unknownFields")
    void aSendWithAFieldWaBridgeDoesNotModelIsRefusedNamingIt(String type, String json, String field) throws Exception {
        Object given = JSON.readValue(json, Object.class);
        SendRejected refused = catchThrowableOfType(SendRejected.class, () -> OutboundContentJson.parse(type, given));
        assertThat(refused).isNotNull();
        assertThat(refused.field()).isEqualTo(field);
        assertThat(OutboundContentJson.read(type, given)).as("stored records are still read as they are").isNotNull();
    }

    static Stream<Arguments> unknownFields() {
        return Stream.of(
                Arguments.of("text", """
                        {"body":"hi","preview":true}""", "text.preview"),
                Arguments.of("interactive", """
                        {"type":"list","body":{"text":"Menu"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"r1","title":"Row","sub_text":"x"}]}]}}""",
                        "interactive.action.sections[0].rows[0].sub_text"),
                Arguments.of("interactive", """
                        {"type":"button","header":{"type":"image","image":{"link":"https://example.com/a.png","alt":"x"}},"body":{"text":"Pick"},                        "action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}""", "interactive.header.image.alt"),
                Arguments.of("template", """
                        {"name":"order_update","language":{"code":"en_US","fallback":"en"}}""", "template.language.fallback"));
    }

    @Test
    void aFlowsParametersGoToMetaWhole() throws Exception {
        Object flow = JSON.readValue("""
                {"type":"flow","body":{"text":"Book"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_token":"t",                "flow_id":"123","flow_cta":"Book","flow_action":"navigate","flow_action_payload":{"screen":"WELCOME"}}}}""", Object.class);
        assertThat(OutboundContentJson.write(OutboundContentJson.parse("interactive", flow))).isEqualTo(flow);
    }
}
