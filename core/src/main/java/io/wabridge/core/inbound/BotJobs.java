package io.wabridge.core.inbound;

/** Where inbound messages for a tenant's bot hook are queued, in conversation order (once per message in effect). */
public interface BotJobs {
    void request(TenantId tenant, InboundUpdate.MessageReceived message);
}
