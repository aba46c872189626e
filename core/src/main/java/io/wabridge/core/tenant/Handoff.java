package io.wabridge.core.tenant;

import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A human agent takes a conversation over from the bot, and gives it back: explicitly, or when the
 * optional timeout passes (the bot is called again for the next message after that). Each change raises
 * {@code conversation.handoff}.
 */
public final class Handoff {

    /** A conversation: a channel and a contact (BSUID, else wa_id). Its id in the API is {@code {phoneNumberId}:{contact}}. */
    public record ConversationId(String phoneNumberId, String contactKey) {
        public static ConversationId parse(String id) {
            int colon = id == null ? -1 : id.indexOf(':');
            if (colon < 1 || colon == id.length() - 1 || !id.substring(0, colon).matches("[0-9]{1,32}") || id.indexOf('#') >= 0) {
                throw new SettingsRejected("id", "a conversation id is {phoneNumberId}:{contact}, e.g. 106540352242922:6281234567890");
            }
            return new ConversationId(id.substring(0, colon), id.substring(colon + 1));
        }
    }

    public static final Duration MAX_TIMEOUT = Duration.ofDays(30);

    private final Conversations conversations;
    private final DomainEvents events;
    private final Clock clock;

    public Handoff(Conversations conversations, DomainEvents events, Clock clock) {
        this.conversations = Objects.requireNonNull(conversations);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @return false if there is no such conversation */
    public boolean handoff(TenantId tenant, ConversationId c, Duration timeout, String by) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
            throw new SettingsRejected("timeoutMinutes", "timeoutMinutes must be from 1 to " + MAX_TIMEOUT.toMinutes());
        }
        Instant now = clock.instant();
        Instant until = timeout == null ? Instant.MAX : now.plus(timeout);
        if (!conversations.handoff(tenant, c.phoneNumberId(), c.contactKey(), until, by)) {
            return false;
        }
        raise(tenant, c, "human", until, now);
        return true;
    }

    /** @return false if there is no such conversation */
    public boolean resume(TenantId tenant, ConversationId c) {
        if (!conversations.resume(tenant, c.phoneNumberId(), c.contactKey())) {
            return false;
        }
        raise(tenant, c, "bot", null, clock.instant());
        return true;
    }

    /** Whether the bot should answer this conversation now. */
    public boolean botAnswers(TenantId tenant, String phoneNumberId, String contactKey) {
        return conversations.handoffUntil(tenant, phoneNumberId, contactKey).map(until -> !clock.instant().isBefore(until)).orElse(true);
    }

    private void raise(TenantId tenant, ConversationId c, String to, Instant until, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tenantId", tenant.value());
        d.put("phoneNumberId", c.phoneNumberId());
        d.put("contact", c.contactKey());
        d.put("answeredBy", to);
        if (until != null && !until.equals(Instant.MAX)) {
            d.put("until", until.toString());
        }
        events.publishOnce(new DomainEvent("conversation.handoff", tenant, "conversation.handoff#" + c.phoneNumberId() + "#" + c.contactKey()
                + "#" + to + "#" + now.toEpochMilli(), d));
    }
}
