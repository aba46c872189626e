package io.wabridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.OutboundContent.Buttons;
import io.wabridge.core.send.OutboundContent.CtaUrl;
import io.wabridge.core.send.OutboundContent.Interactive;
import io.wabridge.core.send.OutboundContent.ListAction;
import io.wabridge.core.send.OutboundContent.Media;
import io.wabridge.core.send.OutboundContent.ReplyButton;
import io.wabridge.core.send.OutboundContent.Row;
import io.wabridge.core.send.OutboundContent.Section;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Meta's rules on each kind of content, each refusal naming the field as the SaaS's JSON has it. */
class SendValidationTest {

    static SendRejected refused(OutboundContent content) {
        return catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(content));
    }

    static Interactive list(List<Section> sections) {
        return new Interactive("list", null, "Menu", null, new ListAction("Open", sections));
    }

    static List<Row> rows(String... titles) {
        return java.util.Arrays.stream(titles).map(t -> new Row("id-" + t, t, null)).toList();
    }

    @Test
    void aRowTitleOverTheLimitIsNamedWithItsIndexesAndCodedWithout() {
        SendRejected e = refused(list(List.of(new Section("S", rows("a", "b", "Premium delivery within two hours, insured!!")))));
        assertThat(e.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.INVALID);
        assertThat(e.field()).isEqualTo("interactive.action.sections[0].rows[2].title");
        assertThat(e.code()).isEqualTo("invalid_interactive_action_sections_rows_title");
        assertThatCode(() -> SendValidation.validate(list(List.of(new Section("S", rows("a", "b", "Premium delivery")))))).doesNotThrowAnyException();
    }

    @Test
    void listsCountRowsAcrossSectionsAndNeedTitlesWhenThereAreSeveral() {
        assertThat(refused(list(List.of(new Section("A", rows("1", "2", "3", "4", "5", "6")), new Section("B", rows("7", "8", "9", "10", "11")))))
                .field()).isEqualTo("interactive.action.sections");
        assertThat(refused(list(List.of(new Section("A", rows("1")), new Section(null, rows("2"))))).field())
                .isEqualTo("interactive.action.sections[1].title");
        assertThat(refused(list(List.of(new Section("A", List.of(new Row("x", "1", null), new Row("x", "2", null)))))).field())
                .isEqualTo("interactive.action.sections[0].rows[1].id");
        assertThat(refused(new Interactive("list", new OutboundContent.Header("image", null, null), "Menu", null,
                new ListAction("Open", List.of(new Section(null, rows("1")))))).field()).isEqualTo("interactive.header.type");
    }

    @Test
    void replyButtonsAreOneToThreeWithUniqueTitles() {
        assertThat(refused(new Interactive("button", null, "Pick", null, new Buttons(List.of()))).field()).isEqualTo("interactive.action.buttons");
        assertThat(refused(new Interactive("button", null, "Pick", null,
                new Buttons(List.of(new ReplyButton("a", "Yes"), new ReplyButton("b", "Yes"))))).field())
                .isEqualTo("interactive.action.buttons[1].reply.title");
        assertThat(refused(new Interactive("button", null, "Pick", null, new CtaUrl("Go", "https://example.com"))).field())
                .as("a button message with another kind of action").isEqualTo("interactive.action.buttons");
        assertThat(refused(new Interactive("button", null, null, null, new Buttons(List.of(new ReplyButton("a", "Yes"))))).field())
                .isEqualTo("interactive.body.text");
        assertThat(refused(new Interactive("button", null, "Pick", "", new Buttons(List.of(new ReplyButton("a", "Yes"))))).field())
                .as("a footer without text").isEqualTo("interactive.footer.text");
    }

    @Test
    void aCtaUrlNeedsAnHttpsUrlAndAShortText() {
        assertThat(refused(new Interactive("cta_url", null, "See", null, new CtaUrl("Go", "http://example.com"))).field())
                .isEqualTo("interactive.action.parameters.url");
        assertThat(refused(new Interactive("cta_url", null, "See", null, new CtaUrl("Track your order on our website!!", "https://example.com")))
                .field()).isEqualTo("interactive.action.parameters.display_text");
        assertThatCode(() -> SendValidation.validate(new Interactive("location_request_message", null, "Where?", null, null)))
                .doesNotThrowAnyException();
        assertThat(refused(new Interactive("product", null, "See", null, null)).field()).isEqualTo("interactive.type");
    }

    @Test
    void mediaIsByIdOrHttpsLinkWithACaptionWhereWhatsAppShowsOne() {
        assertThat(refused(new Media(Media.Kind.IMAGE, "1", "https://example.com/a.jpg", null, null)).field()).isEqualTo("image");
        assertThat(refused(new Media(Media.Kind.VIDEO, null, null, null, null)).field()).isEqualTo("video");
        assertThat(refused(new Media(Media.Kind.DOCUMENT, null, "http://example.com/a.pdf", null, null)).field()).isEqualTo("document.link");
        assertThat(refused(new Media(Media.Kind.STICKER, "1", null, "no", null)).field()).isEqualTo("sticker.caption");
        assertThat(refused(new Media(Media.Kind.IMAGE, "1", null, "é".repeat(1025), null)).field()).isEqualTo("image.caption");
        assertThatCode(() -> SendValidation.validate(new Media(Media.Kind.IMAGE, "1", null, "é".repeat(1024), null))).doesNotThrowAnyException();
    }

    @Test
    void textTemplateReactionLocationAndContacts() {
        assertThat(refused(new OutboundContent.Text("é".repeat(4097), null)).field()).isEqualTo("text.body");
        assertThat(refused(new OutboundContent.Text("", null)).field()).isEqualTo("text.body");
        assertThat(refused(new OutboundContent.Template("order", null, null, null)).field()).isEqualTo("template.language.code");
        assertThat(refused(new OutboundContent.Template(null, "en", null, null)).field()).isEqualTo("template.name");
        assertThat(refused(new OutboundContent.Reaction("not-a-wamid", "👍")).field()).isEqualTo("reaction.message_id");
        assertThat(refused(new OutboundContent.Reaction("wamid.ABCD1234", null)).field()).isEqualTo("reaction.emoji");
        assertThatCode(() -> SendValidation.validate(new OutboundContent.Reaction("wamid.ABCD1234", ""))).as("removes a reaction")
                .doesNotThrowAnyException();
        assertThat(refused(new OutboundContent.Location(new BigDecimal("91"), BigDecimal.ZERO, null, null)).field()).isEqualTo("location.latitude");
        assertThat(refused(new OutboundContent.Location(BigDecimal.ZERO, null, null, null)).field()).isEqualTo("location.longitude");
        assertThat(refused(new OutboundContent.Contacts(List.of())).field()).isEqualTo("contacts");
    }

    @Test
    void theRequestIsCheckedBeforeItsContent() {
        OutboundContent bad = new OutboundContent.Text("", null);
        assertThat(catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(new SendRequest(new TenantId("acme"), "x", "6281234567890",
                bad, null, null))).field()).isEqualTo("channel");
        assertThat(catchThrowableOfType(SendRejected.class, () -> SendValidation.validate(new SendRequest(new TenantId("acme"), "111", "6281234567890",
                new OutboundContent.Text("hi", null), "nope", null))).field()).isEqualTo("context.message_id");
    }
}
