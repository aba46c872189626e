package io.wabridge.core.webhook;

import java.util.List;

/** Splits one delivery (up to 1,000 updates) into its updates. */
public interface WebhookSplitter {

    /**
     * Throws {@link MalformedWebhook} when the body is not a WhatsApp webhook, and {@link OtherObject} when it is a
     * webhook of another object the app is subscribed to (a Page, Instagram): nothing of it is a WhatsApp update.
     */
    List<WebhookUpdate> split(byte[] rawBody);

    /** A delivery whose {@code object} is not WhatsApp's; the message names the object, never quotes the body. */
    final class OtherObject extends RuntimeException {
        public OtherObject(String message) {
            super(message);
        }
    }
}
