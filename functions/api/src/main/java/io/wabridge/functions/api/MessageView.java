package io.wabridge.functions.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.MessageHistory.StoredMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A stored message (either direction) as the API shows it; absent values are left out. */
@JsonInclude(Include.NON_NULL)
record MessageView(String id, String channel, String contact, String direction, String type, String timestamp, From from, Context context,
                   JsonNode content, Media media, Status status) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who sent an inbound message. */
    @JsonInclude(Include.NON_NULL)
    record From(String waId, String userId, String profileName) {}

    /** The message it replies to. */
    record Context(String id) {}

    @JsonInclude(Include.NON_NULL)
    record Media(String status, String mimeType, Long size, String reason) {}

    /** An outbound message's delivery status, when each status was reached and Meta's errors. */
    @JsonInclude(Include.NON_NULL)
    record Status(String current, Map<String, String> history, JsonNode errors) {}

    /** A page of items; {@code nextCursor} is null on the last page. */
    record Page<T>(List<T> items, String nextCursor) {}

    static MessageView of(StoredMessage m) {
        Status status = null;
        if (m.status() != null) {
            Map<String, String> times = new LinkedHashMap<>();
            m.statusTimes().forEach((k, v) -> times.put(k, v.toString()));
            status = new Status(m.status(), times, parse(m.errorsJson()));
        }
        return new MessageView(m.wamid(), m.phoneNumberId(), m.contactKey(), m.direction(), m.type(),
                m.sentAt() == null ? null : m.sentAt().toString(),
                m.direction().equals("inbound") ? new From(m.waId(), m.userId(), m.profileName()) : null,
                m.contextWamid() == null ? null : new Context(m.contextWamid()), parse(m.contentJson()),
                m.media() == null ? null : new Media(m.media().status(), m.media().mimeType(), m.media().size(), m.media().reason()), status);
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
