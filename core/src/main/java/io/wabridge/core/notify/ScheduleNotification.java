package io.wabridge.core.notify;

import io.wabridge.core.Refusal;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.AcceptSend;
import io.wabridge.core.send.SendFacts;
import io.wabridge.core.send.SendRejected;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code POST /v1/notifications}: checks everything that can be known up front (the channel, a template
 * WaBridge knows and that is not rejected, the category, every recipient's number, the size of the list,
 * the due time) and saves the notification; the scheduled run sends it when due. Refusals are
 * {@link SendRejected}, listing each bad recipient in {@code rows}.
 */
public final class ScheduleNotification {

    public static final int MAX_RECIPIENTS = 10_000;

    /** What the SaaS asks for; {@code dueAt} null means now. */
    public record Request(String phoneNumberId, String template, String language, String category, List<Object> components,
                          List<Recipient> recipients, Instant dueAt) {}

    public record Recipient(String to, List<Object> components) {}

    private final Channels channels;
    private final SendFacts facts;
    private final Notifications store;
    private final Clock clock;

    public ScheduleNotification(Channels channels, SendFacts facts, Notifications store, Clock clock) {
        this.channels = Objects.requireNonNull(channels);
        this.facts = Objects.requireNonNull(facts);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
    }

    public Notification schedule(TenantId tenant, Request r, String who) {
        Channel channel = AcceptSend.connected(channels, tenant, r.phoneNumberId());
        if (r.template() == null || r.language() == null) {
            throw refused(Refusal.Kind.INVALID, "invalid_template", "template", "template.name and template.language are required");
        }
        SendFacts.TemplateFacts template = facts.template(tenant, new io.wabridge.core.messaging.WabaId(channel.wabaId()), r.template(), r.language())
                .orElseThrow(() -> refused(Refusal.Kind.NOT_ALLOWED, "template_unknown", "template", "no template " + r.template() + " (" + r.language()
                        + ") on this channel's WABA; create or sync it first"));
        if (List.of("REJECTED", "DISABLED", "DELETED").contains(String.valueOf(template.status()).toUpperCase(Locale.ROOT))) {
            throw refused(Refusal.Kind.NOT_ALLOWED, "template_not_approved", "template", "template " + r.template() + " is " + template.status());
        }
        // An unknown category counts as marketing, as the send policy takes it (CheckCanSend.templateCategory).
        String category = template.categoryAt(clock.instant()) == null ? "MARKETING" : template.categoryAt(clock.instant()).toUpperCase(Locale.ROOT);
        if (r.category() != null && !r.category().equalsIgnoreCase(category)) {
            throw refused(Refusal.Kind.NOT_ALLOWED, "category_mismatch", "category", "template " + r.template() + " is " + category.toLowerCase(Locale.ROOT)
                    + ", not " + r.category());
        }
        if (r.recipients() == null || r.recipients().isEmpty()) {
            throw refused(Refusal.Kind.INVALID, "invalid_recipients", "recipients", "recipients must list at least one recipient");
        }
        if (r.recipients().size() > MAX_RECIPIENTS) {
            throw refused(Refusal.Kind.INVALID, "too_many_recipients", "recipients", "at most " + MAX_RECIPIENTS + " recipients per notification");
        }
        List<Notification.Recipient> recipients = new ArrayList<>();
        List<Map<String, Object>> bad = new ArrayList<>();
        for (int i = 0; i < r.recipients().size(); i++) {
            Recipient x = r.recipients().get(i);
            try {
                recipients.add(new Notification.Recipient(i, ContactKey.of(x == null ? null : x.to()), x.components(), null, null, null, null));
            } catch (IllegalArgumentException e) {
                bad.add(Map.of("row", i, "error", e.getMessage()));
            }
        }
        if (!bad.isEmpty()) {
            throw new SendRejected(Refusal.Kind.INVALID, "invalid_recipients", "recipients", bad.size() + " recipient(s) are not phone numbers in international form",
                    bad);
        }
        Instant now = clock.instant();
        Instant due = r.dueAt() == null ? now : r.dueAt();
        if (due.isAfter(now.plus(Duration.ofDays(366)))) {
            throw refused(Refusal.Kind.INVALID, "invalid_dueAt", "dueAt", "dueAt is more than a year ahead");
        }
        Notification n = new Notification("ntf_" + UUID.randomUUID().toString().replace("-", ""), tenant, channel.phoneNumberId(),
                r.template(), r.language(), category, r.components(), due, "scheduled", recipients.size(), Map.of(), now, who);
        store.create(n, recipients);
        return n;
    }

    private static SendRejected refused(Refusal.Kind kind, String code, String field, String message) {
        return new SendRejected(kind, code, field, message);
    }
}
