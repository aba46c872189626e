package io.wabridge.core.webhook;

import java.util.List;

/** Splits one delivery (up to 1,000 updates) into its updates. */
public interface WebhookSplitter {

    /** Throws {@link MalformedWebhook} when the body is not a WhatsApp webhook. */
    List<WebhookUpdate> split(byte[] rawBody);
}
