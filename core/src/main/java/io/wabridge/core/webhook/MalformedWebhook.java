package io.wabridge.core.webhook;

/** A webhook body that is not JSON or not shaped like Meta's. The message never quotes the body. */
public final class MalformedWebhook extends RuntimeException {
    public MalformedWebhook(String message) {
        super(message);
    }
}
