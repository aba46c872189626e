package io.wabridge.core.send;

import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsStore;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.tenant.UpdateSettings;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The AI-reply flow: an inbound message goes to the tenant's bot hook, and each reply in its answer is
 * sent through the same checks as the send API, in order, with an idempotency key per (message, reply), so
 * a retried hook call never sends a reply twice. A reply the policy refuses raises {@code bot.reply_rejected}.
 */
public final class AnswerWithBot {

    public enum Outcome { NO_HOOK, HANDED_OFF, ANSWERED, HOOK_REFUSED }

    private final SettingsStore settings;
    private final TokenVault vault;
    private final MessageHistory history;
    private final BotHook hook;
    private final AcceptSend accept;
    private final DomainEvents events;
    private final io.wabridge.core.tenant.Handoff handoff;

    public AnswerWithBot(SettingsStore settings, TokenVault vault, MessageHistory history, BotHook hook, AcceptSend accept, DomainEvents events,
                         io.wabridge.core.tenant.Handoff handoff) {
        this.handoff = Objects.requireNonNull(handoff);
        this.settings = Objects.requireNonNull(settings);
        this.vault = Objects.requireNonNull(vault);
        this.history = Objects.requireNonNull(history);
        this.hook = Objects.requireNonNull(hook);
        this.accept = Objects.requireNonNull(accept);
        this.events = Objects.requireNonNull(events);
    }

    public Outcome answer(TenantId tenant, String phoneNumberId, String wamid) {
        Optional<TenantSettings> s = settings.get(tenant).filter(x -> x.botHookUrl() != null);
        Optional<SecretValue> secret = vault.reveal(UpdateSettings.hookSecret(tenant));
        if (s.isEmpty() || secret.isEmpty()) {
            return Outcome.NO_HOOK;
        }
        MessageHistory.StoredMessage message = history.message(tenant, wamid)
                .orElseThrow(() -> new IllegalStateException("message " + wamid + " is not stored yet"));
        if (!handoff.botAnswers(tenant, phoneNumberId, message.contactKey())) {
            return Outcome.HANDED_OFF;
        }
        List<BotHook.Reply> replies;
        try {
            replies = hook.call(s.get().botHookUrl(), secret.get().reveal(), Duration.ofMillis(s.get().botHookTimeoutMillis()), tenant, message);
        } catch (BotHook.HookRefused e) {
            // Retrying cannot help until the tenant changes the URL: say why, once per message.
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("tenantId", tenant.value());
            d.put("phoneNumberId", phoneNumberId);
            d.put("inReplyTo", wamid);
            d.put("reason", e.getMessage());
            events.publishOnce(new DomainEvent("bot.hook_refused", tenant, "bot.hook_refused#" + wamid, d));
            return Outcome.HOOK_REFUSED;
        }
        String to = message.waId() != null ? message.waId() : message.contactKey();
        for (int i = 0; i < replies.size(); i++) {
            BotHook.Reply r = replies.get(i);
            try {
                if (r.unreadable() != null) {
                    throw r.unreadable();
                }
                accept.accept(new SendRequest(tenant, phoneNumberId, to, r.content(), r.replyTo(), "bot:" + wamid + ":" + i));
            } catch (SendRejected e) {
                if (e.code().equals("idempotency_key_reused")) {
                    continue;   // this reply was answered before, differently (the hook ran again): the first answer stands
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("tenantId", tenant.value());
                d.put("phoneNumberId", phoneNumberId);
                d.put("inReplyTo", wamid);
                d.put("reply", i);
                d.put("code", e.code());
                d.put("message", e.getMessage());
                events.publishOnce(new DomainEvent("bot.reply_rejected", tenant, "bot.reply_rejected#" + wamid + "#" + i, d));
            }
        }
        return Outcome.ANSWERED;
    }
}
