package io.wabridge.functions.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.messaging.InboundTextMessage;
import io.wabridge.core.messaging.MessageStore;
import io.wabridge.core.messaging.StoreInboundMessages;
import io.wabridge.core.messaging.Wamid;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundQueueHandlerTest {

    /** Port fake with the store's at-most-once contract. */
    private final Map<Wamid, InboundTextMessage> stored = new HashMap<>();
    private final MessageStore store = m -> stored.putIfAbsent(m.wamid(), m) == null;
    private final InboundQueueHandler handler = new InboundQueueHandler(new MetaWebhookParser(), new StoreInboundMessages(store));

    @Test
    void stopsAtThePoisonRecordAndReportsItAndEveryLaterRecord() {
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(1).getMessageId(), event.getRecords().get(2).getMessageId());
        assertThat(stored).hasSize(1);
        InboundTextMessage message = stored.values().iterator().next();
        assertThat(message.phoneNumberId().value()).isEqualTo("106540352242922");
        assertThat(message.from()).isEqualTo("16505551234");
        assertThat(message.text()).isEqualTo("Does it come in another color?");
    }

    @Test
    void acknowledgesAGoodBatchAndStoresADuplicateOnce() {
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        event.setRecords(List.of(event.getRecords().get(0), event.getRecords().get(0), event.getRecords().get(2)));
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stored).hasSize(1);
    }

    @Test
    void reportsARecordWhoseStoreFails() {
        InboundQueueHandler failing = new InboundQueueHandler(new MetaWebhookParser(), new StoreInboundMessages(m -> {
            throw new IllegalStateException("table throttled");
        }));
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        assertThat(failing.handleRequest(event, null).getBatchItemFailures()).hasSize(3);
    }
}
