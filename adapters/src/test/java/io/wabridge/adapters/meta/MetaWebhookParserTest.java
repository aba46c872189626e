package io.wabridge.adapters.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.InboundUpdate;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.webhook.MalformedWebhook;
import io.wabridge.core.webhook.WebhookSplitter;
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
    void readsMessagesOfEveryTypeWithTheirContact() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                 "contacts":[{"profile":{"name":"Sheena"},"wa_id":"16505551234","user_id":"US.13491208655302741918"}],
                 "messages":[{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"hi"}},
                             {"from":"16505551234","id":"wamid.2","timestamp":"1749416384","type":"image","image":{"id":"1","mime_type":"image/jpeg"},
                              "context":{"from":"15550783881","id":"wamid.0"}},
                             {"from":"16505551234","id":"wamid.3","timestamp":"1749416385","type":"hologram","hologram":{}}]}}]}]}""";
        List<InboundUpdate> updates = parser.updates(body);
        assertThat(updates).hasSize(3).allMatch(u -> u instanceof InboundUpdate.MessageReceived);
        InboundUpdate.MessageReceived text = (InboundUpdate.MessageReceived) updates.get(0);
        assertThat(text.wamid().value()).isEqualTo("wamid.1");
        assertThat(text.sentAt()).isEqualTo(Instant.ofEpochSecond(1749416383));
        assertThat(text.contact()).isEqualTo(new Contact("16505551234", "US.13491208655302741918", "Sheena"));
        assertThat(text.contentJson()).contains("\"body\":\"hi\"");
        InboundUpdate.MessageReceived image = (InboundUpdate.MessageReceived) updates.get(1);
        assertThat(image.type()).isEqualTo("image");
        assertThat(image.contextWamid()).isEqualTo("wamid.0");
        assertThat(((InboundUpdate.MessageReceived) updates.get(2)).type()).isEqualTo("unsupported");
    }

    @Test
    void keysAContactByBsuidWhenThePhoneNumberIsWithheld() {
        List<InboundUpdate> out = parser.updates(messages("""
                [{"from_user_id":"US.13491208655302741918","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]"""));
        InboundUpdate.MessageReceived m = (InboundUpdate.MessageReceived) out.get(0);
        assertThat(m.contact().waId()).isNull();
        assertThat(m.contact().key()).isEqualTo("US.13491208655302741918");
    }

    @Test
    void readsStatusesAndKeepsEveryOtherFieldAsAnEvent() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"W1","changes":[
                  {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":5}},
                  {"field":"messages","value":{"metadata":{"phone_number_id":"1"},"statuses":[
                     {"id":"wamid.9","status":"failed","timestamp":"1750263773","recipient_id":"62811",
                      "errors":[{"code":131047,"title":"Re-engagement message"}]},
                     {"id":"wamid.8","status":"delivered","timestamp":"1750263774","recipient_id":"62811",
                      "pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}},
                     {"id":"wamid.7","status":"deleted","timestamp":"1750263775","recipient_id":"62811"}]}},
                  {"field":"account_update","value":{"event":"PARTNER_APP_UNINSTALLED","waba_info":{"waba_id":"W2","owner_business_id":"B"}}}]}]}""";
        List<InboundUpdate> out = parser.updates(body);
        assertThat(out).hasSize(5);
        InboundUpdate.WabaEvent template = (InboundUpdate.WabaEvent) out.get(0);
        assertThat(template.wabaId()).isEqualTo("W1");
        assertThat(template.phoneNumberId()).isNull();
        InboundUpdate.StatusChanged failed = (InboundUpdate.StatusChanged) out.get(1);
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.errorCode()).isEqualTo(131047);
        InboundUpdate.StatusChanged delivered = (InboundUpdate.StatusChanged) out.get(2);
        assertThat(delivered.pricingCategory()).isEqualTo("utility");
        assertThat(out.get(3)).isInstanceOf(InboundUpdate.WabaEvent.class);
        assertThat(((InboundUpdate.WabaEvent) out.get(4)).wabaId()).isEqualTo("W2");
    }

    @Test
    void malformedBodiesFailWithoutEchoingTheBody() {
        assertThatThrownBy(() -> parser.updates("{\"secret text"))
                .isInstanceOf(MalformedWebhook.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parser.updates("{\"object\":\"x\"}"))
                .isInstanceOf(MalformedWebhook.class).hasMessageContaining("entry");
        assertThatThrownBy(() -> parser.updates(messages("[{\"type\":\"text\",\"text\":{\"body\":\"secret\"}}]")))
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
        assertThat(parser.updates(first)).hasSize(1);
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

    @Test
    void aDeliveryForAnotherObjectIsNotReadAsWhatsAppUpdates() {
        // Shaped like a WhatsApp messages change, but Meta says it is a Page's: nothing of it is a WhatsApp update.
        String page = """
                {"object":"page","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
                   "metadata":{"display_phone_number":"1555","phone_number_id":"111"},
                   "messages":[{"from":"62811","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"a"}}]}}]}]}""";
        assertThatThrownBy(() -> parser.split(page.getBytes(StandardCharsets.UTF_8))).isInstanceOf(WebhookSplitter.OtherObject.class)
                .hasMessageContaining("page");
        String noObject = page.replace("\"object\":\"page\",", "");
        assertThatThrownBy(() -> parser.split(noObject.getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedWebhook.class);
    }

    private InboundUpdate.WabaEvent only(String field, String value) {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1739321024,"changes":[
                 {"field":"%s","value":%s}]}]}""".formatted(field, value);
        // Through the split, as the webhook function queues it, then read as the inbound function does.
        List<WebhookUpdate> split = parser.split(body.getBytes(StandardCharsets.UTF_8));
        assertThat(split).hasSize(1);
        List<InboundUpdate> updates = parser.updates(new String(split.get(0).body(), StandardCharsets.UTF_8));
        return (InboundUpdate.WabaEvent) updates.get(0);
    }

    @Test
    void templateWebhooksKeepCategoryRejectionTextTheAnnouncedRecategorisationAndMetasTime() {
        var status = (io.wabridge.core.inbound.AccountChange.TemplateChange) only("message_template_status_update", """
                {"event":"REJECTED","message_template_id":1689556908129832,"message_template_name":"order_confirmation",
                 "message_template_language":"en-US","reason":"INVALID_FORMAT","message_template_category":"MARKETING",
                 "rejection_info":{"reason":"Variables are not in order.","recommendation":"Number them {{1}}, {{2}}."}}""").change();
        assertThat(status.category()).isEqualTo("MARKETING");
        assertThat(status.language()).isEqualTo("en_US");
        assertThat(status.reason()).isEqualTo("INVALID_FORMAT");
        assertThat(status.reasonText()).isEqualTo("Variables are not in order. Number them {{1}}, {{2}}.");
        assertThat(status.at()).as("entry.time survives the split").isEqualTo(Instant.ofEpochSecond(1739321024));
        var impending = (io.wabridge.core.inbound.AccountChange.TemplateChange) only("template_category_update", """
                {"message_template_id":1,"message_template_name":"n","message_template_language":"en_US","correct_category":"MARKETING",
                 "new_category":"UTILITY","category_update_timestamp":1739925824}""").change();
        assertThat(List.of(impending.category(), impending.pendingCategory())).containsExactly("UTILITY", "MARKETING");
        assertThat(impending.pendingCategoryAt()).isEqualTo(Instant.ofEpochSecond(1739925824));
        assertThat(impending.completedCategoryChange()).isFalse();
        var completed = (io.wabridge.core.inbound.AccountChange.TemplateChange) only("template_category_update", """
                {"message_template_id":1,"message_template_name":"n","message_template_language":"en_US","previous_category":"UTILITY",
                 "new_category":"MARKETING"}""").change();
        assertThat(completed.category()).isEqualTo("MARKETING");
        assertThat(completed.completedCategoryChange()).isTrue();
    }

    @Test
    void accountAndNumberWebhooksSayWhatTheyDoToChannels() {
        var restriction = (io.wabridge.core.inbound.AccountChange.WabaChange) only("account_update", """
                {"event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_ADD_PHONE_NUMBER_ACTION",
                 "expiration":"2026-04-20T13:59:20+0000"},{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING",
                 "expiration":"2026-04-19T13:59:20+0000"}]}""").change();
        assertThat(restriction.effect()).isEqualTo(io.wabridge.core.inbound.AccountChange.WabaEffect.RESTRICT);
        assertThat(restriction.until()).as("the messaging restriction's end").isEqualTo(Instant.parse("2026-04-19T13:59:20Z"));
        var addNumberOnly = (io.wabridge.core.inbound.AccountChange.WabaChange) only("account_update", """
                {"event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_ADD_PHONE_NUMBER_ACTION",
                 "expiration":"2026-04-20T13:59:20+0000"}]}""").change();
        assertThat(addNumberOnly.effect()).isEqualTo(io.wabridge.core.inbound.AccountChange.WabaEffect.NONE);
        assertThat(((io.wabridge.core.inbound.AccountChange.WabaChange) only("account_update",
                "{\"event\":\"DISABLED_UPDATE\",\"ban_info\":{\"waba_ban_state\":\"REINSTATE\",\"waba_ban_date\":\"2025-02-12\"}}").change())
                .effect()).isEqualTo(io.wabridge.core.inbound.AccountChange.WabaEffect.REINSTATE);
        assertThat(((io.wabridge.core.inbound.AccountChange.WabaChange) only("account_update",
                "{\"event\":\"PARTNER_REMOVED\"}").change()).effect()).isEqualTo(io.wabridge.core.inbound.AccountChange.WabaEffect.DISCONNECT);
        var throughput = (io.wabridge.core.inbound.AccountChange.NumberChange) only("phone_number_quality_update", """
                {"display_phone_number":"15550783881","event":"THROUGHPUT_UPGRADE","current_limit":"TIER_UNLIMITED"}""").change();
        assertThat(List.of(String.valueOf(throughput.throughputLevel()), String.valueOf(throughput.messagingLimit()))).containsExactly("HIGH", "null");
        var upgrade = (io.wabridge.core.inbound.AccountChange.NumberChange) only("phone_number_quality_update", """
                {"display_phone_number":"15550783881","event":"UPGRADE","old_limit":"TIER_1K","current_limit":"TIER_10K",
                 "max_daily_conversations_per_business":"TIER_10K"}""").change();
        assertThat(upgrade.messagingLimit()).isEqualTo("TIER_10K");
    }
}
