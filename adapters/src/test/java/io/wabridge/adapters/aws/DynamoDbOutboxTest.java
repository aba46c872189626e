package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.OutboundMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The send records' writes against the local DynamoDB: the sender's claim of an attempt, and a save cut short. */
@ExtendWith(LocalAws.class)
class DynamoDbOutboxTest {

    static final TenantId ACME = new TenantId("acme");
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "outbox");
    }

    static OutboundMessage queued(String id) {
        return new OutboundMessage(id, ACME, "111", "6281234567890", "text", Map.of("body", "hi"), null, "queued", null, 0, null, null, T0, T0);
    }

    @Test
    void anAttemptIsRecordedOnlyOverTheRecordItWasReadFrom() {
        DynamoDbOutbox outbox = new DynamoDbOutbox(dynamo, table, Clock.systemUTC());
        OutboundMessage read = queued("msg_claim");
        assertThat(outbox.create(read)).isTrue();
        OutboundMessage first = read.with("sending", null, 1, null, null, T0.plusMillis(5));
        OutboundMessage second = read.with("sending", null, 1, null, null, T0.plusMillis(7));
        assertThat(outbox.replace(first, read)).isTrue();
        assertThat(outbox.replace(second, read)).as("another delivery that read the same record").isFalse();
        assertThat(outbox.get(ACME, read.id()).orElseThrow().updatedAt()).isEqualTo(first.updatedAt());
        assertThat(outbox.replace(first.with("unconfirmed", null, 1, null, null, first.updatedAt()), first)).isTrue();
    }

    @Test
    void aSaveCutShortNeverLeavesASentRecordItsWamidDoesNotFind() {
        // The sender's process dies after the first of the save's writes (the local runtime killed with SIGKILL did this).
        OutboundMessage sending = queued("msg_cut").with("sending", null, 1, null, null, T0.plusSeconds(1));
        new DynamoDbOutbox(dynamo, table, Clock.systemUTC()).create(sending);
        OutboundMessage sent = sending.sent("wamid.CUT", 1, null, T0.plusSeconds(2));
        DynamoDbOutbox dying = new DynamoDbOutbox(dyingAfterWrites(1), table, Clock.systemUTC());
        assertThatThrownBy(() -> dying.save(sent)).isInstanceOf(SdkClientException.class);

        DynamoDbOutbox outbox = new DynamoDbOutbox(dynamo, table, Clock.systemUTC());
        assertThat(outbox.byWamid(ACME, "wamid.CUT")).as("the wamid finds the send whatever its record says").isPresent();
        assertThat(outbox.get(ACME, sent.id()).orElseThrow().state()).as("not recorded sent before its pointer is").isEqualTo("sending");
        // The sender finds the attempt unrecorded and settles it by Meta's status webhook, saving it again.
        outbox.save(sent);
        assertThat(outbox.get(ACME, sent.id()).orElseThrow().state()).isEqualTo("sent");
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
