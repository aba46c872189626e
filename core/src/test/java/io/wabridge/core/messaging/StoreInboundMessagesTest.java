package io.wabridge.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreInboundMessagesTest {

    /** In-memory fake of the port, with the same at-most-once contract. */
    static final class InMemoryMessageStore implements MessageStore {
        final Map<Wamid, InboundTextMessage> byWamid = new HashMap<>();

        @Override
        public boolean saveIfAbsent(InboundTextMessage message) {
            return byWamid.putIfAbsent(message.wamid(), message) == null;
        }
    }

    private static InboundTextMessage text(String wamid) {
        return new InboundTextMessage(new PhoneNumberId("106540352242922"), "6281234567890", new Wamid(wamid),
                Instant.parse("2026-11-21T10:00:00Z"), "hello");
    }

    @Test
    void storesEachWamidOnce() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        StoreInboundMessages use = new StoreInboundMessages(store);
        assertThat(use.store(List.of(text("wamid.A"), text("wamid.B")))).isEqualTo(new StoreInboundMessages.Result(2, 0));
        assertThat(use.store(List.of(text("wamid.A")))).isEqualTo(new StoreInboundMessages.Result(0, 1));
        assertThat(store.byWamid).hasSize(2);
    }

    @Test
    void hidesTheBodyInToString() {
        assertThat(text("wamid.A").toString()).doesNotContain("hello").contains("5 chars");
    }
}
