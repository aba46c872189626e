package io.wabridge.core.send;

import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The tenant's bot hook: an HTTPS endpoint called, signed, for each inbound message; its answer may carry replies. */
public interface BotHook {

    /**
     * One reply the bot asks for: what it carries, optionally in reply to a wamid; or, when the hook's JSON could not be
     * read as a message, why ({@code unreadable}, and no content).
     */
    record Reply(OutboundContent content, String replyTo, SendRejected unreadable) {
        public Reply(OutboundContent content, String replyTo) {
            this(content, replyTo, null);
        }
    }

    /**
     * Calls the hook; the replies it answered with (none for an empty or reply-less answer).
     *
     * @throws HookFailed on a timeout or a non-2xx answer (the call is retried)
     * @throws HookRefused when the URL may not be called now
     */
    List<Reply> call(URI url, String signingSecret, Duration timeout, TenantId tenant, MessageHistory.StoredMessage message);

    final class HookFailed extends RuntimeException {
        public HookFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The URL is refused by the tenant URL policy (e.g. it resolves to an internal address): permanent, not retried. */
    final class HookRefused extends RuntimeException {
        public HookRefused(String message) {
            super(message);
        }
    }
}
