package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.send.OutboundContent;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.SendState;
import java.time.Clock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The send records against the local DynamoDB. Sends kept as typed content are stored as Meta's JSON object, as they were when the content was a map: records already
 * in a table, and jobs already in the queue, still read and deliver.
 */
@ExtendWith(LocalAws.class)
class DynamoDbOutboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId ACME = new TenantId("acme");
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private DynamoDbClient dynamo;
    private String table;
    private DynamoDbOutbox outbox;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "outbox");
        outbox = new DynamoDbOutbox(dynamo, table, Clock.systemUTC());
    }

    /** An item as the outbox wrote it before content was typed: the SaaS's object as given, in its key order. */
    private void putOldRecord(String id, String type, String content) {
        dynamo.putItem(r -> r.tableName(table).item(Map.ofEntries(Map.entry("PK", AttributeValue.fromS(TableItems.send(id))),
                Map.entry("SK", AttributeValue.fromS(TableItems.SEND)), Map.entry("tenantId", AttributeValue.fromS("acme")),
                Map.entry("phoneNumberId", AttributeValue.fromS("111")), Map.entry("to", AttributeValue.fromS("6281234567890")),
                Map.entry("type", AttributeValue.fromS(type)), Map.entry("state", AttributeValue.fromS("queued")),
                Map.entry("attempts", AttributeValue.fromN("0")), Map.entry("createdAt", AttributeValue.fromS("2026-11-30T10:00:00Z")),
                Map.entry("updatedAt", AttributeValue.fromS("2026-11-30T10:00:00Z")), Map.entry("content", AttributeValue.fromS(content)),
                Map.entry("callbackData", AttributeValue.fromS("order-7")))));
    }

    private String storedContent(String id) {
        return storedAttribute(id, "content");
    }

    private String storedAttribute(String id, String name) {
        return dynamo.getItem(r -> r.tableName(table).key(TableItems.key(TableItems.send(id), TableItems.SEND)))
                .item().get(name).s();
    }

    @Test
    void aRecordWrittenBeforeContentWasTypedIsReadAndWrittenBackInTheSameShape() throws Exception {
        String list = """
                {"action":{"sections":[{"rows":[{"title":"Row","id":"r1","description":"D"}],"title":"S"}],"button":"Open"},"body":{"text":"Menu"},"type":"list"}""";
        putOldRecord("msg_list", "interactive", list);
        OutboundMessage m = outbox.get(ACME, "msg_list").orElseThrow();
        assertThat(m.content()).isEqualTo(new OutboundContent.Interactive("list", null, "Menu", null, new OutboundContent.ListAction("Open",
                List.of(new OutboundContent.Section("S", List.of(new OutboundContent.Row("r1", "Row", "D")))))));
        assertThat(m.callbackData()).isEqualTo("order-7");
        assertThat(m.state()).isEqualTo(SendState.QUEUED);
        outbox.save(m.with(SendState.SENDING, null, 1, null, null, Instant.parse("2026-11-30T10:00:01Z")));
        assertThat(JSON.readTree(storedContent("msg_list"))).isEqualTo(JSON.readTree(list));
        assertThat(storedAttribute("msg_list", "state")).isEqualTo("sending");

        String contacts = """
                {"contacts":[{"name":{"formatted_name":"Barbara J. Johnson","first_name":"Barbara"},"phones":[{"phone":"+16505559999","type":"HOME"}]}]}""";
        putOldRecord("msg_card", "contacts", contacts);
        OutboundMessage card = outbox.get(ACME, "msg_card").orElseThrow();
        assertThat(card.content()).isInstanceOf(OutboundContent.Contacts.class);
        outbox.save(card.with(SendState.SENDING, null, 1, null, null, Instant.parse("2026-11-30T10:00:01Z")));
        assertThat(JSON.readTree(storedContent("msg_card"))).isEqualTo(JSON.readTree(contacts));
    }

    @Test
    void aJobQueuedBeforeContentWasTypedIsRead() {
        String body = """
                {"tenantId":"acme","id":"msg_9","send":{"phoneNumberId":"111","to":"6281234567890","type":"template",\
                "content":{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"7"}]}]},\
                "replyTo":null,"callbackData":null,"createdAt":"2026-11-30T10:00:00Z"}}""";
        SqsOutboundQueue.Job job = SqsOutboundQueue.parse(body);
        assertThat(job.send().content()).isEqualTo(new OutboundContent.Template("order_update", "en_US", null,
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text", "text", "7"))))));
        assertThat(job.send().type()).isEqualTo("template");
    }

    static OutboundMessage queued(String id) {
        return new OutboundMessage(id, ACME, new PhoneNumberId("111"), "6281234567890", new OutboundContent.Text("hi", null), null, SendState.QUEUED, null, 0, null, null, T0, T0);
    }

    @Test
    void anAttemptIsRecordedOnlyOverTheRecordItWasReadFrom() {
        OutboundMessage read = queued("msg_claim");
        assertThat(outbox.create(read)).isTrue();
        OutboundMessage first = read.with(SendState.SENDING, null, 1, null, null, T0.plusMillis(5));
        OutboundMessage second = read.with(SendState.SENDING, null, 1, null, null, T0.plusMillis(7));
        assertThat(outbox.replace(first, read)).isTrue();
        assertThat(outbox.replace(second, read)).as("another delivery that read the same record").isFalse();
        assertThat(outbox.get(ACME, read.id()).orElseThrow().updatedAt()).isEqualTo(first.updatedAt());
        assertThat(outbox.replace(first.with(SendState.UNCONFIRMED, null, 1, null, null, first.updatedAt()), first)).isTrue();
    }

    @Test
    void aSaveCutShortNeverLeavesASentRecordItsWamidDoesNotFind() {
        // The sender's process dies after the first of the save's writes (the local runtime killed with SIGKILL did this).
        OutboundMessage sending = queued("msg_cut").with(SendState.SENDING, null, 1, null, null, T0.plusSeconds(1));
        outbox.create(sending);
        OutboundMessage sent = sending.sent(new Wamid("wamid.CUT"), 1, null, T0.plusSeconds(2));
        DynamoDbOutbox dying = new DynamoDbOutbox(dyingAfterWrites(1), table, Clock.systemUTC());
        assertThatThrownBy(() -> dying.save(sent)).isInstanceOf(SdkClientException.class);

        assertThat(outbox.byWamid(ACME, "wamid.CUT")).as("the wamid finds the send whatever its record says").isPresent();
        assertThat(outbox.get(ACME, sent.id()).orElseThrow().state()).as("not recorded sent before its pointer is").isEqualTo(SendState.SENDING);
        // The sender finds the attempt unrecorded and settles it by Meta's status webhook, saving it again.
        outbox.save(sent);
        assertThat(outbox.get(ACME, sent.id()).orElseThrow().state()).isEqualTo(SendState.SENT);
        assertThat(outbox.byWamid(ACME, "wamid.CUT").map(OutboundMessage::id)).contains(sent.id());
    }

    /** The client, until {@code writes} writes went through; every write after that fails as a dead process's would. */
    private DynamoDbClient dyingAfterWrites(int writes) {
        AtomicInteger left = new AtomicInteger(writes);
        Set<String> writing = Set.of("putItem", "updateItem", "deleteItem", "transactWriteItems", "batchWriteItem");
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (writing.contains(method.getName()) && left.getAndDecrement() <= 0) {
                        throw SdkClientException.create("the process died");
                    }
                    try {
                        return method.invoke(dynamo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
