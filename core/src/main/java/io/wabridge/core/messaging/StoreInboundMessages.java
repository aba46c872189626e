package io.wabridge.core.messaging;

import java.util.List;
import java.util.Objects;

/** Stores the text messages of one webhook delivery, once each whatever the number of redeliveries. */
public final class StoreInboundMessages {

    /** How many messages were new and how many had been stored before. */
    public record Result(int stored, int duplicates) {}

    private final MessageStore store;

    public StoreInboundMessages(MessageStore store) {
        this.store = Objects.requireNonNull(store);
    }

    public Result store(List<InboundTextMessage> messages) {
        int stored = 0;
        for (InboundTextMessage message : messages) {
            if (store.saveIfAbsent(message)) {
                stored++;
            }
        }
        return new Result(stored, messages.size() - stored);
    }
}
