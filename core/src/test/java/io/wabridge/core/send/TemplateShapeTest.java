package io.wabridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parameters a template takes, from its components as Meta lists them, and the check of a send against them. */
class TemplateShapeTest {

    // Components as in Meta's template docs: a media header, positional body, a dynamic URL button and a quick reply.
    static final List<Map<String, Object>> ORDER = List.of(
            Map.of("type", "HEADER", "format", "IMAGE"),
            Map.of("type", "BODY", "text", "Hi {{1}}, order {{2}} ships {{1}}."),
            Map.of("type", "BUTTONS", "buttons", List.of(Map.of("type", "URL", "text", "Track", "url", "https://x.example/t/{{1}}"),
                    Map.of("type", "QUICK_REPLY", "text", "Stop"))));

    static Map<String, Object> text(String t) {
        return Map.of("type", "text", "text", t);
    }

    @Test
    void readsHeaderBodyAndDynamicButtonsAndSurvivesStorage() {
        TemplateShape shape = TemplateShape.of(ORDER);
        assertThat(shape).isEqualTo(new TemplateShape("IMAGE", 1, List.of("1", "2"), List.of("url@0")));
        assertThat(TemplateShape.decode(shape.encode())).isEqualTo(shape);
        TemplateShape plain = TemplateShape.of(List.of(Map.of("type", "BODY", "text", "Hello")));
        assertThat(TemplateShape.decode(plain.encode())).isEqualTo(plain);
        assertThat(TemplateShape.decode(null)).isNull();
    }

    @Test
    void aSendThatFitsPassesAndEachMisfitNamesItsComponent() {
        TemplateShape shape = TemplateShape.of(ORDER);
        List<Object> good = List.of(
                Map.of("type", "header", "parameters", List.of(Map.of("type", "image", "image", Map.of("link", "https://x.example/a.jpg")))),
                Map.of("type", "body", "parameters", List.of(text("Ana"), text("A-17"))),
                Map.of("type", "button", "sub_type", "url", "index", "0", "parameters", List.of(text("A-17"))));
        assertThatCode(() -> shape.check("order (en_US)", good)).doesNotThrowAnyException();

        SendRejected fewer = catchThrowableOfType(SendRejected.class, () -> shape.check("order (en_US)", List.of(good.get(0),
                Map.of("type", "body", "parameters", List.of(text("Ana"))), good.get(2))));
        assertThat(fewer.code()).isEqualTo("template_params_mismatch");
        assertThat(fewer.field()).isEqualTo("template.components.body.parameters");
        assertThat(fewer.getMessage()).contains("takes 2 parameters; 1 given");

        SendRejected noHeader = catchThrowableOfType(SendRejected.class, () -> shape.check("order", List.of(good.get(1), good.get(2))));
        assertThat(noHeader.field()).isEqualTo("template.components.header.parameters");

        SendRejected wrongType = catchThrowableOfType(SendRejected.class, () -> shape.check("order", List.of(
                Map.of("type", "header", "parameters", List.of(Map.of("type", "video", "video", Map.of("link", "https://x.example/a.mp4")))),
                good.get(1), good.get(2))));
        assertThat(wrongType.getMessage()).contains("image header");

        SendRejected noButton = catchThrowableOfType(SendRejected.class, () -> shape.check("order", List.of(good.get(0), good.get(1))));
        assertThat(noButton.field()).isEqualTo("template.components.button");
    }

    @Test
    void namedParametersMustBeTheTemplatesNames() {
        TemplateShape shape = TemplateShape.of(List.of(Map.of("type", "BODY", "text", "Hi {{first_name}}, code {{code}}")));
        assertThatCode(() -> shape.check("t", List.of(Map.of("type", "body", "parameters", List.of(
                Map.of("type", "text", "parameter_name", "first_name", "text", "Ana"),
                Map.of("type", "text", "parameter_name", "code", "text", "X")))))).doesNotThrowAnyException();
        assertThat(catchThrowableOfType(SendRejected.class, () -> shape.check("t", List.of(Map.of("type", "body", "parameters", List.of(
                Map.of("type", "text", "parameter_name", "name", "text", "Ana"),
                Map.of("type", "text", "parameter_name", "code", "text", "X")))))).getMessage()).contains("named parameters");
    }
}
