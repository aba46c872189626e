package io.wabridge.core.send;

/** The outbound FIFO queue: one group per phone number and recipient, so a conversation stays in order. */
public interface OutboundQueue {

    /** The queue did not take the job: nothing was queued (the caller may try again). */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Queues the send. @throws Unavailable if the queue did not take it */
    void enqueue(OutboundMessage message);
}
