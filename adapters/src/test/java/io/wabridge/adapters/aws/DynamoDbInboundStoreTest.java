package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(LocalAws.class)
class DynamoDbInboundStoreTest {

    static final TenantId ACME = new TenantId("acme");
    static final PhoneNumberId NUMBER = new PhoneNumberId("106540352242922");

    private DynamoDbClient dynamo;
    private String table;
    private DynamoDbInboundStore store;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "inbound");
        media = wiring.media();
        store = new DynamoDbInboundStore(dynamo, table, Clock.systemUTC(), () -> media);
    }

    private S3Objects media;

    @Test
    void contentTooLargeForAnItemGoesToTheBucketAndReadsBackWhole() {
        String big = "{\"unsupported\":{\"details\":\"" + "x".repeat(500 * 1024) + "\"}}";
        MessageReceived m = new MessageReceived(NUMBER, new Contact("6281234567890", null, null), new Wamid("wamid.BIG"),
                Instant.ofEpochSecond(3000), "unsupported", null, big);
        assertThat(store.saveMessageIfAbsent(ACME, m)).isTrue();
        assertThat(store.saveMessageIfAbsent(ACME, m)).isFalse();
        var pointer = get("WAMID#wamid.BIG", "MSG");
        var item = get(pointer.get("messagePK").s(), pointer.get("messageSK").s());
        assertThat(item).doesNotContainKey("content");
        assertThat(item.get("contentKey").s()).isEqualTo("content/acme/wamid.BIG.json");
        var read = new DynamoDbMessageHistory(dynamo, table, () -> media).message(ACME, "wamid.BIG");
        assertThat(read).hasValueSatisfying(r -> assertThat(r.contentJson()).isEqualTo(big));
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(sk)))).item();
    }

    private static MessageReceived message(String wamid, long at) {
        return new MessageReceived(NUMBER, new Contact("6281234567890", "ID.55500000001", "Sari"), new Wamid(wamid),
                Instant.ofEpochSecond(at), "image", "wamid.ctx", "{\"image\":{\"id\":\"9\"}}");
    }

    @Test
    void storesAMessageOnceWithItsPointerAndMovesTheContactWindowForwardOnly() {
        assertThat(store.saveMessageIfAbsent(ACME, message("wamid.A", 2000))).isTrue();
        assertThat(store.saveMessageIfAbsent(ACME, message("wamid.A", 2000))).isFalse();
        store.touchContact(ACME, message("wamid.A", 2000));
        store.touchContact(ACME, message("wamid.OLD", 1000));
        var pointer = get("WAMID#wamid.A", "MSG");
        assertThat(pointer.get("tenantId").s()).isEqualTo("acme");
        var item = get(pointer.get("messagePK").s(), pointer.get("messageSK").s());
        assertThat(item.get("PK").s()).isEqualTo("CONV#acme#106540352242922#ID.55500000001");
        assertThat(item.get("type").s()).isEqualTo("image");
        assertThat(item.get("contextWamid").s()).isEqualTo("wamid.ctx");
        assertThat(item.get("content").s()).contains("\"id\":\"9\"");
        var contact = get("TENANT#acme#CHANNEL#106540352242922", "CONTACT#ID.55500000001");
        assertThat(contact.get("lastInboundAt").s()).isEqualTo(Instant.ofEpochSecond(2000).toString());
        assertThat(contact.get("waId").s()).isEqualTo("6281234567890");
        assertThat(contact.get("profileName").s()).isEqualTo("Sari");
    }

    @Test
    void statusesEndAtTheHighestWhateverTheOrder() {
        Wamid wamid = new Wamid("wamid.OUT");
        assertThat(store.applyStatus(ACME, status(wamid, MessageStatus.READ, 30))).isTrue();
        assertThat(store.applyStatus(ACME, status(wamid, MessageStatus.SENT, 10))).isFalse();
        assertThat(store.applyStatus(ACME, status(wamid, MessageStatus.DELIVERED, 20))).isFalse();
        assertThat(store.applyStatus(ACME, status(wamid, MessageStatus.READ, 30))).isFalse();
        var item = get("WAMID#wamid.OUT", "STATUS");
        assertThat(item.get("status").s()).isEqualTo("read");
        assertThat(item.get("at_sent").s()).isEqualTo(Instant.ofEpochSecond(10).toString());
        assertThat(item.get("at_delivered").s()).isEqualTo(Instant.ofEpochSecond(20).toString());
        assertThat(item.get("pricingCategory").s()).isEqualTo("utility");
        // Priced once, however many statuses carried the pricing.
        var usage = get("TENANT#acme", "USAGE#1970-01-01");
        assertThat(usage.get("utility#regular").n()).isEqualTo("1");
        assertThat(usage.get("priced").n()).isEqualTo("1");
    }

    @Test
    void aFailedStatusKeepsMetasErrors() {
        Wamid wamid = new Wamid("wamid.FAIL");
        store.applyStatus(ACME, new StatusChanged(NUMBER, wamid, MessageStatus.FAILED, Instant.ofEpochSecond(5), "62811", 131047,
                "[{\"code\":131047}]", null, null));
        var item = get("WAMID#wamid.FAIL", "STATUS");
        assertThat(item.get("status").s()).isEqualTo("failed");
        assertThat(item.get("errorCode").n()).isEqualTo("131047");
    }

    @Test
    void eventsAreKeptOncePerKeyAndRoutingHasOneOwnerPerNumber() {
        WabaEvent event = new WabaEvent("W1", null, "message_template_status_update", "key-1", "{\"event\":\"APPROVED\"}", null);
        assertThat(store.saveEventIfAbsent(ACME, event)).isTrue();
        assertThat(store.saveEventIfAbsent(ACME, event)).isFalse();
        assertThat(get("SEEN#key-1", "SEEN").get("expiresAt").n()).isNotBlank();

        DynamoDbRouting routing = new DynamoDbRouting(dynamo, table, Clock.systemUTC());
        assertThat(routing.byPhoneNumber(NUMBER)).isEmpty();
        assertThat(routing.claim(ACME, "W1", NUMBER)).isTrue();
        assertThat(routing.claim(ACME, "W1", NUMBER)).isTrue();
        assertThat(routing.claim(new TenantId("globex"), "W1", NUMBER)).isFalse();
        assertThat(new DynamoDbRouting(dynamo, table, Clock.systemUTC()).byPhoneNumber(NUMBER)).contains(ACME);
        assertThat(new DynamoDbRouting(dynamo, table, Clock.systemUTC()).byWaba("W1")).contains(ACME);
        routing.recordUnrouted("phone", "999");
        routing.recordUnrouted("phone", "999");
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(get("UNROUTED#" + day, "phone#999").get("seen").n()).isEqualTo("2");
    }

    private static StatusChanged status(Wamid wamid, MessageStatus s, long at) {
        return new StatusChanged(NUMBER, wamid, s, Instant.ofEpochSecond(at), "62811", null, null, "utility", "regular");
    }

    @Test
    void theFailureLogKeepsTheLatestReasonOfARecord() {
        DynamoDbFailureLog failures = new DynamoDbFailureLog(dynamo, table, Clock.systemUTC());
        failures.record("msg-1", 1, "IllegalStateException: throttled");
        failures.record("msg-1", 2, "X".repeat(5000));
        var item = get("QUEUE_FAILURE#msg-1", "FAILURE");
        assertThat(item.get("receiveCount").n()).isEqualTo("2");
        assertThat(item.get("reason").s()).hasSize(1000);
        assertThat(item.get("expiresAt").n()).isNotBlank();
        new DynamoDbFailureLog(dynamo, "no-such-table", Clock.systemUTC()).record("msg-2", 1, "never throws");
    }
}
