package io.wabridge.adapters.aws;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading attributes out of DynamoDB items, for the adapters in this package. */
final class DynamoDbItems {

    private DynamoDbItems() {}

    /** A string attribute, or null when the item has none. */
    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
