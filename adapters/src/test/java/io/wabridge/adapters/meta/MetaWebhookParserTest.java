package io.wabridge.adapters.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.messaging.InboundTextMessage;
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
                .isInstanceOf(MetaWebhookParser.MalformedWebhook.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parser.textMessages("{\"object\":\"x\"}"))
                .isInstanceOf(MetaWebhookParser.MalformedWebhook.class).hasMessageContaining("entry");
        assertThatThrownBy(() -> parser.textMessages(messages("[{\"type\":\"text\",\"text\":{\"body\":\"secret\"}}]")))
                .isInstanceOf(MetaWebhookParser.MalformedWebhook.class).hasMessageNotContaining("secret");
    }
}
