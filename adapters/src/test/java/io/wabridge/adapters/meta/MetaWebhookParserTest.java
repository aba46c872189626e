package io.wabridge.adapters.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.messaging.InboundTextMessage;
import io.wabridge.core.webhook.MalformedWebhook;
import io.wabridge.core.webhook.WebhookUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetaWebhookParserTest {

    private final MetaWebhookParser parser = new MetaWebhookParser();

    private static String messages(String messagesJson) {
        return """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                 "messages":%s}}]}]}""".formatted(messagesJson);
    }

    @Test
    void readsTextMessagesAndSkipsOtherTypes() {
        List<InboundTextMessage> out = parser.textMessages(messages("""
                [{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"hi"}},
                 {"from":"16505551234","id":"wamid.2","timestamp":"1749416384","type":"image","image":{"id":"1"}}]"""));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).wamid().value()).isEqualTo("wamid.1");
        assertThat(out.get(0).sentAt()).isEqualTo(Instant.ofEpochSecond(1749416383));
        assertThat(out.get(0).text()).isEqualTo("hi");
    }

    @Test
    void usesTheBsuidWhenThePhoneNumberIsWithheld() {
        List<InboundTextMessage> out = parser.textMessages(messages("""
                [{"user_id":"US.13491208655302741918","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]"""));
        assertThat(out.get(0).from()).isEqualTo("US.13491208655302741918");
    }

    @Test
    void ignoresStatusesAndOtherFields() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
                  {"field":"message_template_status_update","value":{"event":"APPROVED"}},
                  {"field":"messages","value":{"metadata":{"phone_number_id":"1"},"statuses":[{"id":"wamid.9","status":"read"}]}}]}]}""";
        assertThat(parser.textMessages(body)).isEmpty();
    }

    @Test
    void malformedBodiesFailWithoutEchoingTheBody() {
        assertThatThrownBy(() -> parser.textMessages("{\"secret text"))
                .isInstanceOf(MalformedWebhook.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parser.textMessages("{\"object\":\"x\"}"))
                .isInstanceOf(MalformedWebhook.class).hasMessageContaining("entry");
        assertThatThrownBy(() -> parser.textMessages(messages("[{\"type\":\"text\",\"text\":{\"body\":\"secret\"}}]")))
                .isInstanceOf(MalformedWebhook.class).hasMessageNotContaining("secret");
    }

    @Test
    void splitsADeliveryIntoOneUpdatePerItemGroupedByConversationOrWaba() {
        String body = """
                {"object":"whatsapp_business_account","entry":[
                 {"id":"WABA1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
                   "metadata":{"display_phone_number":"1555","phone_number_id":"111"},
                   "contacts":[{"profile":{"name":"A"},"wa_id":"62811"}],
                   "messages":[{"from":"62811","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"a"}},
                               {"from":"62811","id":"wamid.2","timestamp":"2","type":"text","text":{"body":"b"}}],
                   "statuses":[{"id":"wamid.9","status":"read","recipient_id":"62899","timestamp":"3"}]}}]},
                 {"id":"WABA2","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1}},
                   {"field":"account_update","value":{"event":"PARTNER_APP_UNINSTALLED","waba_info":{"waba_id":"WABA3","owner_business_id":"B"}}}]}]}""";
        List<WebhookUpdate> updates = parser.split(body.getBytes(StandardCharsets.UTF_8));
        assertThat(updates).extracting(WebhookUpdate::groupId)
                .containsExactly("pn:111:62811", "pn:111:62811", "pn:111:62899", "waba:WABA2", "waba:WABA3");
        String first = new String(updates.get(0).body(), StandardCharsets.UTF_8);
        assertThat(first).contains("wamid.1").doesNotContain("wamid.2").doesNotContain("wamid.9").contains("\"contacts\"");
        assertThat(parser.textMessages(first)).hasSize(1);
        assertThat(updates).extracting(WebhookUpdate::deduplicationId).doesNotHaveDuplicates().allSatisfy(d -> assertThat(d).hasSize(64));
        // The same update batched differently by Meta has the same deduplication id.
        String alone = """
                {"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
                   "metadata":{"display_phone_number":"1555","phone_number_id":"111"},"contacts":[{"profile":{"name":"A"},"wa_id":"62811"}],
                   "messages":[{"from":"62811","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"a"}}]}}]}]}""";
        assertThat(parser.split(alone.getBytes(StandardCharsets.UTF_8)).get(0).deduplicationId()).isEqualTo(updates.get(0).deduplicationId());
    }

    @Test
    void refusesDeliveriesThatAreNotWhatsAppWebhooks() {
        assertThatThrownBy(() -> parser.split("{\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{}}]}]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedWebhook.class);
        assertThatThrownBy(() -> parser.split("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedWebhook.class);
    }
}
