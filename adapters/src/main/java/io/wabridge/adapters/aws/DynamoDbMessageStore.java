package io.wabridge.adapters.aws;

import io.wabridge.core.messaging.InboundTextMessage;
import io.wabridge.core.messaging.MessageStore;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Inbound messages in the one table. Item shapes (the only place these attribute names live):
 * <ul>
 *   <li>message: {@code PK=CONV#{phoneNumberId}#{from}}, {@code SK=MSG#{epochMillis, 13 digits}#{wamid}},
 *       attributes {@code direction, type, wamid, from, phoneNumberId, sentAt, text};</li>
 *   <li>wamid pointer: {@code PK=WAMID#{wamid}}, {@code SK=MSG}, pointing at the message's keys.</li>
 * </ul>
 * Both are written in one transaction conditioned on the pointer not existing, so a redelivered
 * message has no second effect.
 */
public final class DynamoDbMessageStore implements MessageStore {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbMessageStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String conversationKey(String phoneNumberId, String from) {
        return "CONV#" + phoneNumberId + "#" + from;
    }

    @Override
    public boolean saveIfAbsent(InboundTextMessage m) {
        String pk = conversationKey(m.phoneNumberId().value(), m.from());
        String sk = "MSG#%013d#%s".formatted(m.sentAt().toEpochMilli(), m.wamid().value());
        Map<String, AttributeValue> message = Map.of(
                "PK", s(pk), "SK", s(sk),
                "direction", s("inbound"), "type", s("text"),
                "wamid", s(m.wamid().value()), "from", s(m.from()),
                "phoneNumberId", s(m.phoneNumberId().value()),
                "sentAt", s(m.sentAt().toString()), "text", s(m.text()));
        Map<String, AttributeValue> pointer = Map.of(
                "PK", s("WAMID#" + m.wamid().value()), "SK", s("MSG"), "messagePK", s(pk), "messageSK", s(sk));
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(pointer)
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(message).build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            boolean duplicate = e.cancellationReasons().stream().map(CancellationReason::code)
                    .anyMatch("ConditionalCheckFailed"::equals);
            if (duplicate) {
                return false;
            }
            throw e;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
