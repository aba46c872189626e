package io.wabridge.core.notify;

import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.send.AcceptSend;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The scheduled run: takes due notifications from the due index and, per recipient at send time, sends the
 * template through the send path when consent and policy allow it; otherwise raises
 * {@code notification.fallback} with a signed opt-in link (no consent) or records it skipped (opted out,
 * marketing stopped). Every recipient's outcome is recorded once. A refused recipient never stops the
 * notification, and a failing notification never stops the run: it is given back and picked up next time.
 * Work stops at the deadline; the rest is picked up by the next run. Runs may overlap: a notification is
 * held by one run at a time, and each recipient's send carries an idempotency key.
 */
public final class RunDueNotifications {

    /** What one run did: notifications worked on, outcomes by name, notifications that failed and were given back. */
    public record Summary(int notifications, Map<String, Integer> outcomes, int failed) {}

    static final Duration LEASE = Duration.ofMinutes(5);
    static final int PAGE = 100;
    /** Recipients worked on at once (each send is a few DynamoDB calls and one SQS message). */
    static final int PARALLEL = 8;
    private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL,
            Thread.ofPlatform().daemon().name("notification-", 0).factory());

    private final Notifications store;
    private final AcceptSend send;
    private final OptInLinks links;
    private final Function<String, String> linkUrl;
    private final DomainEvents events;
    private final Duration linkTtl;
    private final Clock clock;

    /** @param linkUrl the public URL of a link token (the opt-in page) */
    public RunDueNotifications(Notifications store, AcceptSend send, OptInLinks links, Function<String, String> linkUrl, DomainEvents events,
                               Duration linkTtl, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.send = Objects.requireNonNull(send);
        this.links = Objects.requireNonNull(links);
        this.linkUrl = Objects.requireNonNull(linkUrl);
        this.events = Objects.requireNonNull(events);
        this.linkTtl = Objects.requireNonNull(linkTtl);
        this.clock = Objects.requireNonNull(clock);
    }

    public Summary run(Instant deadline) {
        Map<String, Integer> outcomes = new TreeMap<>();
        int worked = 0;
        int failed = 0;
        for (Notifications.Due due : store.due(clock.instant(), 100)) {
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            Instant now = clock.instant();
            if (!store.claim(due.tenant(), due.id(), now, now.plus(LEASE))) {
                continue;
            }
            worked++;
            try {
                runOne(store.get(due.tenant(), due.id()).orElseThrow(), deadline, outcomes);
            } catch (RuntimeException e) {
                failed++;
                store.release(due.tenant(), due.id());
            }
        }
        return new Summary(worked, outcomes, failed);
    }

    private void runOne(Notification n, Instant deadline, Map<String, Integer> outcomes) {
        int after = -1;
        while (true) {
            List<Notification.Recipient> page = store.recipients(n.tenant(), n.id(), after, PAGE);
            if (page.isEmpty()) {
                store.complete(n.tenant(), n.id(), clock.instant());
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                store.release(n.tenant(), n.id());
                return;
            }
            after = page.get(page.size() - 1).index();
            // Recipients are independent: a page is worked on a few at a time.
            List<java.util.concurrent.Future<String>> pending = new java.util.ArrayList<>();
            for (Notification.Recipient r : page) {
                if (r.outcome() == null) {
                    pending.add(workers.submit(() -> deliver(n, r)));
                }
            }
            for (java.util.concurrent.Future<String> f : pending) {
                try {
                    outcomes.merge(f.get(), 1, Integer::sum);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
    }

    private String deliver(Notification n, Notification.Recipient r) {
        List<Object> components = r.components() != null ? r.components() : n.components();
        var template = new io.wabridge.core.send.OutboundContent.Template(n.template(), n.language(), null,
                components.isEmpty() ? null : components);
        SendRequest request = new SendRequest(n.tenant(), n.phoneNumberId(), r.to(), template, null,
                "notification#" + n.id() + "#" + r.index());
        Instant now = clock.instant();
        try {
            AcceptSend.Accepted a = send.accept(request, Notification.SEND_ID_PREFIX);
            store.recordOutcome(n.tenant(), n.id(), decided(r, "sent", a.consent(), a.id(), now), a.inWindow(), now);
            return "sent";
        } catch (SendRejected refused) {
            String outcome = switch (refused.code()) {
                case "no_consent" -> "fallback";
                case "opted_out", "marketing_stopped" -> "skipped";
                default -> "failed";
            };
            if (outcome.equals("fallback")) {
                fallback(n, r, refused.code());
            }
            store.recordOutcome(n.tenant(), n.id(), decided(r, outcome, refused.code(), null, now), false, now);
            return outcome;
        }
    }

    /** No consent: the SaaS gets a signed opt-in link for this person to send by SMS or email. */
    private void fallback(Notification n, Notification.Recipient r, String reason) {
        String key = "notification.fallback#" + n.id() + "#" + r.index();
        if (events.published(key)) {
            return;
        }
        ConsentEvent.Scope scope = "MARKETING".equalsIgnoreCase(n.category()) ? ConsentEvent.Scope.MARKETING : ConsentEvent.Scope.ALL;
        String token = links.issue(n.tenant(), ContactKey.of(r.to()), scope, n.id(), linkTtl);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("notificationId", n.id());
        detail.put("recipient", r.to());
        detail.put("recipientIndex", r.index());
        detail.put("reason", reason);
        detail.put("template", n.template());
        detail.put("category", n.category());
        detail.put("optInUrl", linkUrl.apply(token));
        detail.put("optInExpiresAt", clock.instant().plus(linkTtl).toString());
        events.publishOnce(new DomainEvent("notification.fallback", n.tenant(), key, detail));
    }

    private static Notification.Recipient decided(Notification.Recipient r, String outcome, String reason, String messageId, Instant at) {
        return new Notification.Recipient(r.index(), r.to(), r.components(), outcome, reason, messageId, at);
    }
}
