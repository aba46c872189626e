package io.wabridge.core.inbound;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the SaaS reads back: a tenant's conversations and messages, newest first, paged. */
public interface MessageHistory {

    /** One conversation of a channel: a contact and when they last wrote. */
    record Conversation(String contactKey, String waId, String userId, String profileName, Instant lastInboundAt) {}

    /** A stored message with its delivery status (for messages the business sent) as far as known. */
    record StoredMessage(String wamid, String phoneNumberId, String contactKey, String direction, String type, Instant sentAt,
                         String waId, String userId, String profileName, String contextWamid, String contentJson,
                         String status, Map<String, Instant> statusTimes, String errorsJson, MediaState media) {}

    /** Where a message's media bytes stand: {@code stored} (with its key in the media store) or {@code unavailable}. */
    record MediaState(String status, String mimeType, Long size, String key, String reason) {}

    /** A page of results; {@code nextCursor} is null on the last page. */
    record Page<T>(List<T> items, String nextCursor) {}

    /** The cursor did not come from this API (or from another query). */
    final class InvalidCursor extends RuntimeException {
        public InvalidCursor() {
            super("cursor is not valid for this query");
        }
    }

    Page<Conversation> conversations(TenantId tenant, String phoneNumberId, int limit, String cursor);

    Page<StoredMessage> messages(TenantId tenant, String phoneNumberId, String contactKey, int limit, String cursor);

    /** A message by wamid, only if it belongs to the tenant. */
    Optional<StoredMessage> message(TenantId tenant, String wamid);
}
