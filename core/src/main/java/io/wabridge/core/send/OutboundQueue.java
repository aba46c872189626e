package io.wabridge.core.send;

/** The outbound FIFO queue: one group per phone number and recipient, so a conversation stays in order. */
public interface OutboundQueue {
    void enqueue(OutboundMessage message);
}
