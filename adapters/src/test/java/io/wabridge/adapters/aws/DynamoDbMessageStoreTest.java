package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.messaging.InboundTextMessage;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@ExtendWith(LocalAws.class)
class DynamoDbMessageStoreTest {

    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = "messages-" + UUID.randomUUID();
        dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SK").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH), k -> k.attributeName("SK").keyType(KeyType.RANGE)));
    }

    private static InboundTextMessage message(String wamid, String text) {
        return new InboundTextMessage(new PhoneNumberId("106540352242922"), "16505551234", new Wamid(wamid),
                Instant.ofEpochSecond(1749416383), text);
    }

    @Test
    void storesTheMessageAndItsWamidPointerOnce() {
        DynamoDbMessageStore store = new DynamoDbMessageStore(dynamo, table);
        assertThat(store.saveIfAbsent(message("wamid.A", "hello"))).isTrue();
        assertThat(store.saveIfAbsent(message("wamid.A", "hello"))).isFalse();

        var pointer = dynamo.getItem(r -> r.tableName(table).key(Map.of("PK", AttributeValue.fromS("WAMID#wamid.A"),
                "SK", AttributeValue.fromS("MSG")))).item();
        assertThat(pointer.get("messagePK").s()).isEqualTo("CONV#106540352242922#16505551234");
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of("PK", pointer.get("messagePK"), "SK", pointer.get("messageSK")))).item();
        assertThat(item.get("text").s()).isEqualTo("hello");
        assertThat(item.get("direction").s()).isEqualTo("inbound");
        assertThat(item.get("sentAt").s()).isEqualTo("2025-06-08T20:59:43Z");
        assertThat(dynamo.scan(r -> r.tableName(table)).count()).isEqualTo(2);
    }

    @Test
    void keepsDistinctMessagesApart() {
        DynamoDbMessageStore store = new DynamoDbMessageStore(dynamo, table);
        assertThat(store.saveIfAbsent(message("wamid.A", "one"))).isTrue();
        assertThat(store.saveIfAbsent(message("wamid.B", "two"))).isTrue();
        assertThat(dynamo.scan(r -> r.tableName(table)).count()).isEqualTo(4);
    }
}
