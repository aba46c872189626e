package io.wabridge.localaws.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error as DynamoDB answers it (API Reference, "Common Errors" and each operation's "Errors"): an HTTP status,
 * a {@code __type} and a message; some carry more fields (the item, the cancellation reasons).
 */
public final class DynamoDbError extends RuntimeException {

    static final String PREFIX = "com.amazonaws.dynamodb.v20120810#";

    final int status;
    final String type;
    /** Extra fields for the body (Item, CancellationReasons), or null. */
    final ObjectNode extra;

    DynamoDbError(int status, String type, String message, ObjectNode extra) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.extra = extra;
    }

    static DynamoDbError validation(String message) {
        return new DynamoDbError(400, PREFIX + "ValidationException", message, null);
    }

    /** A refused feature: what DynamoDB offers but this engine does not. */
    static DynamoDbError unsupported(String feature) {
        return validation("Unsupported by the local DynamoDB engine: " + feature);
    }

    static DynamoDbError serialization(String message) {
        return new DynamoDbError(400, "com.amazon.coral.service#SerializationException", message, null);
    }

    static DynamoDbError notFound(String message) {
        return new DynamoDbError(400, PREFIX + "ResourceNotFoundException", message, null);
    }

    static DynamoDbError inUse(String message) {
        return new DynamoDbError(400, PREFIX + "ResourceInUseException", message, null);
    }

    static DynamoDbError conditionFailed(ObjectNode item) {
        ObjectNode extra = null;
        if (item != null) {
            extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            extra.set("Item", item);
        }
        return new DynamoDbError(400, PREFIX + "ConditionalCheckFailedException", "The conditional request failed", extra);
    }

    static DynamoDbError idempotentMismatch() {
        return new DynamoDbError(400, PREFIX + "IdempotentParameterMismatchException",
                "The request uses the same client token as a previous, but non-identical request.", null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
