package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.inbound.InboundStore;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.inbound.StatusEffects;
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
        var pointer = get(TableItems.wamid("wamid.BIG"), TableItems.POINTER);
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
        var pointer = get(TableItems.wamid("wamid.A"), TableItems.POINTER);
        assertThat(pointer.get("tenantId").s()).isEqualTo("acme");
        var item = get(pointer.get("messagePK").s(), pointer.get("messageSK").s());
        assertThat(item.get("PK").s()).isEqualTo(TableItems.conversation(ACME, NUMBER, "ID.55500000001"));
        assertThat(item.get("type").s()).isEqualTo("image");
        assertThat(item.get("contextWamid").s()).isEqualTo("wamid.ctx");
        assertThat(item.get("content").s()).contains("\"id\":\"9\"");
        var contact = get(TableItems.channelContacts(ACME, NUMBER), TableItems.contact("ID.55500000001"));
        assertThat(contact.get("lastInboundAt").s()).isEqualTo(Instant.ofEpochSecond(2000).toString());
        assertThat(contact.get("waId").s()).isEqualTo("6281234567890");
        assertThat(contact.get("profileName").s()).isEqualTo("Sari");
    }

    @Test
    void statusesEndAtTheHighestWhateverTheOrder() {
        Wamid wamid = new Wamid("wamid.OUT");
        assertThat(apply(status(wamid, MessageStatus.READ, 30))).isEqualTo(new InboundStore.StatusRecorded(true, 0));
        assertThat(apply(status(wamid, MessageStatus.SENT, 10)).advanced()).isFalse();
        assertThat(apply(status(wamid, MessageStatus.DELIVERED, 20)).advanced()).isFalse();
        assertThat(apply(status(wamid, MessageStatus.READ, 30)).advanced()).isFalse();
        var item = get(TableItems.wamid("wamid.OUT"), TableItems.STATUS);
        assertThat(item.get("status").s()).isEqualTo("read");
        assertThat(item.get("at_sent").s()).isEqualTo(Instant.ofEpochSecond(10).toString());
        assertThat(item.get("at_delivered").s()).isEqualTo(Instant.ofEpochSecond(20).toString());
        assertThat(item.get("pricingCategory").s()).isEqualTo("utility");
        // Priced once, however many statuses carried the pricing.
        var usage = get(TableItems.tenant(ACME), TableItems.usage(java.time.LocalDate.EPOCH));
        assertThat(usage.get("utility#regular").n()).isEqualTo("1");
        assertThat(usage.get("priced").n()).isEqualTo("1");
    }

    @Test
    void aStatusSaysTheRankItMovedFromAndANotificationDayCountsWhatCoreDecided() {
        Wamid wamid = new Wamid("wamid.NTF");
        assertThat(apply(status(wamid, MessageStatus.SENT, 10))).isEqualTo(new InboundStore.StatusRecorded(true, 0));
        assertThat(apply(status(wamid, MessageStatus.DELIVERED, 20))).isEqualTo(new InboundStore.StatusRecorded(true, MessageStatus.SENT.rank()));
        store.countNotificationStatus(ACME, Instant.ofEpochSecond(20), java.util.List.of("delivered", "read"));
        store.countNotificationStatus(ACME, Instant.ofEpochSecond(30), java.util.List.of("read"));
        assertThat(new DynamoDbNotifications(dynamo, table).stats(ACME, java.time.LocalDate.EPOCH, java.time.LocalDate.EPOCH))
                .containsEntry("delivered", 1L).containsEntry("read", 2L);
    }

    @Test
    void aWaBridgeSendsStatusIsRecordedForTheSenderAndAForeignMessagesStatusIsListedUnderItsContact() {
        String send = "msg_0123456789abcdef0123456789abcdef";
        apply(new StatusChanged(NUMBER, new Wamid("wamid.OURS"), MessageStatus.SENT, Instant.ofEpochSecond(10), "6281234567890", null, null,
                null, null, send + "|order-7"));
        assertThat(new DynamoDbOutbox(dynamo, table, Clock.systemUTC()).confirmedWamid(send)).contains(new Wamid("wamid.OURS"));
        apply(new StatusChanged(NUMBER, new Wamid("wamid.THEIRS"), MessageStatus.SENT, Instant.ofEpochSecond(10), "6281234567890", null, null,
                null, null, null));
        assertThat(get(TableItems.contactSends(ACME, "6281234567890"), TableItems.wamid("wamid.THEIRS")).get("GSI1PK").s())
                .isEqualTo(TableItems.tenantSends(ACME));
        assertThat(get(TableItems.contactSends(ACME, "6281234567890"), TableItems.wamid("wamid.OURS"))).as("a WaBridge send is listed by its send")
                .isEmpty();
    }

    @Test
    void aFailedStatusKeepsMetasErrors() {
        Wamid wamid = new Wamid("wamid.FAIL");
        apply(new StatusChanged(NUMBER, wamid, MessageStatus.FAILED, Instant.ofEpochSecond(5), "62811", 131047,
                "[{\"code\":131047}]", null, null));
        var item = get(TableItems.wamid("wamid.FAIL"), TableItems.STATUS);
        assertThat(item.get("status").s()).isEqualTo("failed");
        assertThat(item.get("errorCode").n()).isEqualTo("131047");
    }

    @Test
    void eventsAreKeptOncePerKeyAndRoutingHasOneOwnerPerNumber() {
        WabaEvent event = new WabaEvent("W1", null, "message_template_status_update", "key-1", "{\"event\":\"APPROVED\"}", null);
        assertThat(store.saveEventIfAbsent(ACME, event)).isTrue();
        assertThat(store.saveEventIfAbsent(ACME, event)).isFalse();
        assertThat(get(TableItems.seen("key-1"), TableItems.SEEN).get("expiresAt").n()).isNotBlank();

        DynamoDbRouting routing = new DynamoDbRouting(dynamo, table, Clock.systemUTC());
        assertThat(routing.byPhoneNumber(NUMBER)).isEmpty();
        assertThat(routing.claim(ACME, "W1", NUMBER)).isTrue();
        assertThat(routing.claim(ACME, "W1", NUMBER)).isTrue();
        assertThat(routing.claim(new TenantId("globex"), "W1", NUMBER)).isFalse();
        assertThat(new DynamoDbRouting(dynamo, table, Clock.systemUTC()).byPhoneNumber(NUMBER)).contains(ACME);
        assertThat(new DynamoDbRouting(dynamo, table, Clock.systemUTC()).byWaba("W1")).contains(ACME);
        routing.recordUnrouted("phone", "999");
        routing.recordUnrouted("phone", "999");
        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(get(TableItems.unrouted(day), "phone#999").get("seen").n()).isEqualTo("2");
    }

    private InboundStore.StatusRecorded apply(StatusChanged st) {
        return store.applyStatus(ACME, st, StatusEffects.of(st));
    }

    private static StatusChanged status(Wamid wamid, MessageStatus s, long at) {
        return new StatusChanged(NUMBER, wamid, s, Instant.ofEpochSecond(at), "62811", null, null, "utility", "regular");
    }

    @Test
    void theFailureLogKeepsTheLatestReasonOfARecord() {
        DynamoDbFailureLog failures = new DynamoDbFailureLog(dynamo, table, Clock.systemUTC());
        failures.record("msg-1", 1, "IllegalStateException: throttled");
        failures.record("msg-1", 2, "X".repeat(5000));
        var item = get(TableItems.queueFailure("msg-1").get("PK").s(), TableItems.queueFailure("msg-1").get("SK").s());
        assertThat(item.get("receiveCount").n()).isEqualTo("2");
        assertThat(item.get("reason").s()).hasSize(1000);
        assertThat(item.get("expiresAt").n()).isNotBlank();
        new DynamoDbFailureLog(dynamo, "no-such-table", Clock.systemUTC()).record("msg-2", 1, "never throws");
    }
}
