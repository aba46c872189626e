package io.wabridge.core.messaging;

/** Where inbound messages are kept. */
public interface MessageStore {

    /**
     * Stores the message unless one with the same wamid is already stored.
     *
     * @return true if stored now, false if it was a duplicate
     */
    boolean saveIfAbsent(InboundTextMessage message);
}
