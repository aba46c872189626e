package io.wabridge.adapters.aws;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Opaque page cursors: a query's or scan's last evaluated key (string attributes) as base64url text, and
 * back. Callers pass the decoded key to DynamoDB as the exclusive start key, which DynamoDB refuses unless
 * it belongs to the same query, so a cursor cannot open another tenant's partition.
 */
final class DynamoDbCursor {

    private static final char FIELD = '\u0001';
    private static final char ENTRY = '\u0002';

    private DynamoDbCursor() {}

    /** The cursor for the next page, or null when {@code lastEvaluatedKey} is empty (the last page). */
    static String encode(Map<String, AttributeValue> lastEvaluatedKey) {
        if (lastEvaluatedKey == null || lastEvaluatedKey.isEmpty()) {
            return null;
        }
        StringBuilder raw = new StringBuilder();
        lastEvaluatedKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> raw.append(e.getKey()).append(FIELD).append(e.getValue().s()).append(ENTRY));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The start key of a cursor, null for none; {@link IllegalArgumentException} when it is not one of ours. */
    static Map<String, AttributeValue> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (String pair : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(String.valueOf(ENTRY))) {
            if (!pair.isEmpty()) {
                int at = pair.indexOf(FIELD);
                if (at < 0) {
                    throw new IllegalArgumentException("not a cursor");
                }
                key.put(pair.substring(0, at), AttributeValue.fromS(pair.substring(at + 1)));
            }
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("not a cursor");
        }
        return key;
    }
}
