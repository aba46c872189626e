package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.localaws.LocalAwsParts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The ledger against the local DynamoDB, and the stack's domain events (bus plus ledger) against the local bus. */
@ExtendWith(LocalAws.class)
class DynamoDbPublishOnceLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void aMarkedKeyIsPublishedAndExpiresAfterEightDays(Wiring wiring) {
        DynamoDbClient dynamo = wiring.dynamo();
        String table = LocalAws.createTable(dynamo, "ledger");
        DynamoDbPublishOnceLedger ledger = new DynamoDbPublishOnceLedger(dynamo, table, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(ledger.published("wamid.1")).isFalse();
        ledger.markPublished("wamid.1");
        assertThat(ledger.published("wamid.1")).isTrue();
        assertThat(ledger.published("wamid.2")).isFalse();

        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(
                TableItems.eventLog("wamid.1"))).item();
        assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(Instant.parse("2026-12-11T10:00:00Z").getEpochSecond());
    }

    @Test
    void theStacksDomainEventsReachTheBusOncePerKey(LocalAwsParts parts) {
        String bus = "wabridge-" + UUID.randomUUID();
        parts.events().ensureBus(bus);
        Wiring base = LocalAws.wiring(parts, Map.of());
        String table = LocalAws.createTable(base.dynamo(), "events");
        Wiring wiring = LocalAws.wiring(parts, Map.of("TABLE_NAME", table, "EVENT_BUS_NAME", bus,
                "AWS_ENDPOINT_URL_EVENTBRIDGE", parts.json().endpoint().toString()));
        DomainEvents events = wiring.domainEvents();
        String key = "status:" + UUID.randomUUID();
        DomainEvent event = new DomainEvent("message.status", new TenantId("acme"), key, Map.of("status", "delivered", "key", key));

        events.publishOnce(event);
        events.publishOnce(event);

        assertThat(parts.events().received().stream().filter(e -> e.path("detail").path("key").asText().equals(key)))
                .singleElement().satisfies(e -> {
                    assertThat(e.path("detail-type").asText()).isEqualTo("message.status");
                    assertThat(e.path("detail").path("status").asText()).isEqualTo("delivered");
                });
        assertThat(new DynamoDbPublishOnceLedger(wiring.dynamo(), table, Clock.systemUTC()).published(key)).isTrue();
    }
}
