package io.wabridge.core.webhook;

/** Durable hand-off of a verified webhook body to the inbound pipeline. */
public interface InboundQueue {

    /**
     * Stores {@code rawBody} durably before returning. Throws {@link EnqueueFailed} if it could not,
     * so the caller answers Meta with a 5xx and Meta redelivers.
     */
    void enqueue(byte[] rawBody);

    /** The queue refused or could not be reached; nothing was stored. */
    final class EnqueueFailed extends RuntimeException {
        public EnqueueFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
