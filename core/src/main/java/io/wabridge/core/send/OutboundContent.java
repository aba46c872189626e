package io.wabridge.core.send;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a send carries, one variant per WhatsApp message type, with the fields Meta defines for it (Meta's OpenAPI,
 * ../shared/reference/meta-business-messaging-api_v23.0.yaml: TextObject, MediaObject, TemplateObject,
 * InteractiveObject, ReactionObject, LocationObject, ContactObject). Reading it from JSON and writing Meta's JSON from
 * it is the Meta adapter's work ({@code adapters/meta/OutboundContentJson}); {@link SendValidation} checks Meta's
 * limits on it. Parts WaBridge does not interpret (a template's component parameters, a flow's parameters, a contact
 * card) are kept as plain JSON values (maps, lists, strings, numbers, booleans).
 */
public sealed interface OutboundContent {

    /** The WhatsApp types a send may have. */
    Set<String> TYPES = Set.of("text", "image", "audio", "video", "document", "sticker", "template", "interactive", "reaction",
            "location", "contacts");

    /** Meta's {@code type} of the message. */
    String type();

    /** @param previewUrl Meta's {@code preview_url}, or null when not given */
    record Text(String body, Boolean previewUrl) implements OutboundContent {
        public String type() {
            return "text";
        }
    }

    /** An image, audio, video, document or sticker by uploaded media id or by link (exactly one of them). */
    record Media(Kind kind, String id, String link, String caption, String filename) implements OutboundContent {
        public enum Kind {
            IMAGE, AUDIO, VIDEO, DOCUMENT, STICKER;

            public String wireName() {
                return name().toLowerCase(Locale.ROOT);
            }

            /** The kind named {@code type}, or null when {@code type} is not a media type. */
            public static Kind of(String type) {
                for (Kind k : values()) {
                    if (k.wireName().equals(type)) {
                        return k;
                    }
                }
                return null;
            }
        }

        public String type() {
            return kind.wireName();
        }
    }

    /**
     * @param languagePolicy Meta's {@code language.policy} (e.g. {@code deterministic}), or null
     * @param components     Meta's component objects with their parameters, as JSON values; null when not given
     */
    record Template(String name, String languageCode, String languagePolicy, List<Object> components) implements OutboundContent {
        public Template {
            components = components == null ? null : Collections.unmodifiableList(components);
        }

        public String type() {
            return "template";
        }
    }

    /**
     * An interactive message: {@code kind} is Meta's {@code interactive.type} ({@code button}, {@code list},
     * {@code cta_url}, {@code flow}, {@code location_request_message}); {@code action} is null when none was given.
     */
    record Interactive(String kind, Header header, String body, String footer, Action action) implements OutboundContent {
        public String type() {
            return "interactive";
        }
    }

    /** {@code type} is text, image, video or document; {@code media} the header's media object for the latter three. */
    record Header(String type, String text, Media media) {}

    /** An interactive message's action, by the message's kind. */
    sealed interface Action {}

    record ReplyButton(String id, String title) {}

    record Buttons(List<ReplyButton> buttons) implements Action {
        public Buttons {
            buttons = buttons == null ? null : Collections.unmodifiableList(buttons);
        }
    }

    record Row(String id, String title, String description) {}

    record Section(String title, List<Row> rows) {
        public Section {
            rows = rows == null ? null : Collections.unmodifiableList(rows);
        }
    }

    /** @param button the text of the button that opens the list */
    record ListAction(String button, List<Section> sections) implements Action {
        public ListAction {
            sections = sections == null ? null : Collections.unmodifiableList(sections);
        }
    }

    record CtaUrl(String displayText, String url) implements Action {}

    /** @param parameters Meta's flow parameters ({@code flow_message_version}, {@code flow_id}, {@code flow_cta}, ...) */
    record Flow(Map<String, Object> parameters) implements Action {
        public Flow {
            parameters = parameters == null ? null : Collections.unmodifiableMap(parameters);
        }
    }

    /** The location request's action ({@code send_location}). */
    record LocationRequest() implements Action {}

    /** @param emoji the emoji, or an empty string to remove a reaction */
    record Reaction(String messageId, String emoji) implements OutboundContent {
        public String type() {
            return "reaction";
        }
    }

    /** Coordinates as given (a JSON number, or a string holding one); null when missing or not a number. */
    record Location(BigDecimal latitude, BigDecimal longitude, String name, String address) implements OutboundContent {
        public String type() {
            return "location";
        }
    }

    /** Meta's contact objects (name, phones, emails, ...), as JSON values. */
    record Contacts(List<Object> contacts) implements OutboundContent {
        public Contacts {
            contacts = contacts == null ? null : Collections.unmodifiableList(contacts);
        }

        public String type() {
            return "contacts";
        }
    }
}
