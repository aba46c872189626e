package io.wabridge.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.inbound.ProcessInboundUpdate.Outcome;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessInboundUpdateTest {

    static final PhoneNumberId ACME_NUMBER = new PhoneNumberId("111");
    static final TenantId ACME = new TenantId("acme");

    /** Fakes of the two ports with the same contracts as the DynamoDB adapters. */
    static final class Fakes implements Routing, InboundStore, DomainEvents {
        final List<DomainEvent> published = new ArrayList<>();
        final Set<String> publishedKeys = new HashSet<>();
        int failNextPublishes;

        public void publish(DomainEvent e) {
            if (failNextPublishes > 0) {
                failNextPublishes--;
                throw new IllegalStateException("bus down");
            }
            published.add(e);
        }

        public boolean published(String key) {
            return publishedKeys.contains(key);
        }

        public void markPublished(String key) {
            publishedKeys.add(key);
        }

        final Map<String, TenantId> routes = new HashMap<>(Map.of("phone:111", ACME, "waba:W1", ACME));
        final List<String> unrouted = new ArrayList<>();
        final Map<String, MessageReceived> messages = new HashMap<>();
        final Map<String, Instant> contacts = new HashMap<>();
        final Map<String, MessageStatus> statuses = new HashMap<>();
        final Set<String> events = new HashSet<>();

        public Optional<TenantId> byPhoneNumber(PhoneNumberId id) {
            return Optional.ofNullable(routes.get("phone:" + id.value()));
        }

        public Optional<TenantId> byWaba(String wabaId) {
            return Optional.ofNullable(routes.get("waba:" + wabaId));
        }

        public void recordUnrouted(String kind, String id) {
            unrouted.add(kind + ":" + id);
        }

        public boolean saveMessageIfAbsent(TenantId t, MessageReceived m) {
            return messages.putIfAbsent(t + "/" + m.wamid(), m) == null;
        }

        public void touchContact(TenantId t, MessageReceived m) {
            contacts.merge(t + "/" + m.contact().key(), m.sentAt(), (a, b) -> a.isAfter(b) ? a : b);
        }

        final List<String> notificationCounts = new ArrayList<>();

        public StatusRecorded applyStatus(TenantId t, StatusChanged s, StatusEffects effects) {
            MessageStatus current = statuses.get(s.wamid().value());
            if (current != null && !current.precedes(s.status())) {
                return new StatusRecorded(false, 0);
            }
            statuses.put(s.wamid().value(), s.status());
            return new StatusRecorded(true, current == null ? 0 : current.rank());
        }

        public void countNotificationStatus(TenantId t, Instant at, List<String> counters) {
            notificationCounts.addAll(counters);
        }

        final List<AccountChange> changes = new ArrayList<>();

        public void applyChange(TenantId t, AccountChange c) {
            changes.add(c);
        }

        public boolean saveEventIfAbsent(TenantId t, WabaEvent e) {
            return events.add(t + "/" + e.eventKey());
        }
    }

    final Fakes fakes = new Fakes();
    final List<io.wabridge.core.media.MediaJob> mediaJobs = new ArrayList<>();
    final List<String> botJobs = new ArrayList<>();
    final io.wabridge.core.consent.InMemoryConsentLedger ledger = new io.wabridge.core.consent.InMemoryConsentLedger();
    final List<String> replies = new ArrayList<>();
    /** Whether the contact was opted in at the moment each reply went out (the send policy reads that state). */
    final List<Boolean> optedInAtReply = new ArrayList<>();
    final List<String> scheduled = new ArrayList<>();
    /** Records what is scheduled; the run side is tested through the local runtime. */
    final io.wabridge.core.consent.OptInReminders.Store reminders = new io.wabridge.core.consent.OptInReminders.Store() {
        public boolean schedule(TenantId t, String contact, String pn, Instant due, int max, Instant now) {
            return scheduled.add(contact);
        }

        public List<Reminder> dueReminders(Instant now, int limit) {
            return List.of();
        }

        public boolean take(Reminder d) {
            return false;
        }

        public void sent(Reminder d, Instant at) {
        }
    };
    final ProcessInboundUpdate process = new ProcessInboundUpdate(fakes, fakes, fakes, mediaJobs::add, (t, m) -> botJobs.add(m.wamid().value()),
            new io.wabridge.core.consent.InboundConsent(ledger, t -> io.wabridge.core.tenant.TenantSettings.defaults(),
                    (t, pn, to, text, key) -> {
                        optedInAtReply.add(ledger.state(t, to).optedIn());
                        replies.add(key + " " + text);
                    }, reminders, java.time.Clock.systemUTC()), (t, c, k) -> { });

    MessageReceived said(String wamid, long at, String type, String... words) {
        return new MessageReceived(ACME_NUMBER, new Contact("6281100011", null, null), new Wamid(wamid), Instant.ofEpochSecond(at), type, null,
                "{}", null, List.of(words));
    }

    @Test
    void startIsConfirmedToSomeoneAlreadyOptedInAndAgainAfterACrash() {
        process.process(said("wamid.S1", 100, "text", "STOP"));
        process.process(said("wamid.G1", 101, "text", "MULAI"));
        assertThat(ledger.state(ACME, "6281100011").optedIn()).isTrue();
        assertThat(replies).hasSize(2);
        assertThat(optedInAtReply).as("STOP is confirmed before it counts, START once it does").containsExactly(false, true);

        // A crash after START was recorded and before it was confirmed: the redelivered update confirms it.
        process.process(said("wamid.S2", 200, "text", "STOP"));
        ledger.append(new io.wabridge.core.consent.ConsentEvent("in_wamid.G2", ACME, "6281100011", io.wabridge.core.consent.ConsentEvent.Action.OPT_IN,
                io.wabridge.core.consent.ConsentEvent.Scope.ALL, io.wabridge.core.consent.ConsentEvent.Source.INBOUND_KEYWORD, Instant.ofEpochSecond(210),
                java.util.Map.of("wamid", "wamid.G2"), "wabridge"));
        process.process(said("wamid.G2", 210, "text", "START"));
        assertThat(replies).hasSize(4).last().asString().startsWith("consent#wamid.G2");
    }

    @Test
    void stopOptsOutOnceAndStartOptsBackInButNoOtherMessageDoes() {
        process.process(said("wamid.S1", 100, "text", " Stop! "));
        process.process(said("wamid.S1", 100, "text", " Stop! "));
        process.process(said("wamid.S2", 110, "text", "STOP"));
        assertThat(ledger.state(ACME, "6281100011").optedOut()).isTrue();
        assertThat(replies).hasSize(1).first().asString().startsWith("consent#wamid.S1 You will no longer receive messages")
                .contains("Reply START");
        process.process(said("wamid.H", 120, "text", "hello, I still want my permit"));
        assertThat(ledger.state(ACME, "6281100011").optedOut()).as("writing is not an opt-in").isTrue();
        process.process(said("wamid.M", 130, "button", "MULAI", "Start again"));
        assertThat(ledger.state(ACME, "6281100011").optedIn()).isTrue();
        assertThat(replies).hasSize(2);
        assertThat(ledger.history(ACME, "6281100011")).extracting(e -> e.source().wireName())
                .containsExactly("inbound_keyword", "inbound_keyword", "button");
    }

    @Test
    void metaMarketingStopAndPreferencesGoToTheLedger() {
        process.process(new StatusChanged(ACME_NUMBER, new Wamid("wamid.F"), MessageStatus.FAILED, Instant.ofEpochSecond(300), "6281100011",
                131050, "[]", null, null));
        assertThat(ledger.state(ACME, "6281100011").marketing()).isEqualTo(io.wabridge.core.consent.ConsentState.Standing.OUT);
        assertThat(ledger.state(ACME, "6281100011").all()).isEqualTo(io.wabridge.core.consent.ConsentState.Standing.NONE);
        process.process(new WabaEvent("W-acme", ACME_NUMBER, "user_preferences", "pref-1", "{}",
                new AccountChange.MarketingPreference(ACME_NUMBER, new Contact("6281100011", null, null), false, Instant.ofEpochSecond(400))));
        assertThat(ledger.state(ACME, "6281100011").marketing()).isEqualTo(io.wabridge.core.consent.ConsentState.Standing.IN);
        assertThat(ledger.history(ACME, "6281100011")).extracting(e -> e.source().wireName()).containsExactly("meta_131050", "user_preferences");
    }

    @Test
    void aMessageWithMediaQueuesOneFetchEvenWhenItsFirstAttemptFailedAfterStoring() {
        MessageReceived image = new MessageReceived(ACME_NUMBER, new Contact("6281100011", null, null), new Wamid("wamid.IMG"),
                Instant.ofEpochSecond(50), "image", null, "{}", new MediaRef("M1", "image/jpeg", "abc"));
        fakes.failNextPublishes = 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> process.process(image)).hasMessageContaining("bus down");
        process.process(image);
        process.process(image);
        assertThat(mediaJobs).extracting(j -> j.mediaId() + "@" + j.storeKey())
                .as("queued again only by the retry that had not published yet; the fetch itself is idempotent")
                .containsExactly("M1@media/acme/111/wamid.IMG", "M1@media/acme/111/wamid.IMG");
        assertThat(process.process(message("wamid.TXT", 60)).outcome()).isEqualTo(Outcome.STORED);
        assertThat(mediaJobs).hasSize(2);
        assertThat(botJobs).as("offered to the bot hook with the same once-in-effect rule").containsExactly("wamid.IMG", "wamid.IMG", "wamid.TXT");
    }

    static MessageReceived message(String wamid, long at) {
        return new MessageReceived(ACME_NUMBER, new Contact("6281100011", "ID.1234567", "Sari"), new Wamid(wamid),
                Instant.ofEpochSecond(at), "text", null, "{}");
    }

    static StatusChanged status(String wamid, MessageStatus s) {
        return new StatusChanged(ACME_NUMBER, new Wamid(wamid), s, Instant.ofEpochSecond(100), "6281100011", null, null, null, null);
    }

    @Test
    void storesAMessageOnceAndMovesTheWindowForwardOnly() {
        assertThat(process.process(message("wamid.1", 200))).isEqualTo(new ProcessInboundUpdate.Result(Outcome.STORED, ACME));
        assertThat(process.process(message("wamid.1", 200)).outcome()).isEqualTo(Outcome.DUPLICATE);
        process.process(message("wamid.0", 100));
        assertThat(fakes.messages).hasSize(2);
        assertThat(fakes.contacts.get("acme/ID.1234567")).isEqualTo(Instant.ofEpochSecond(200));
    }

    @Test
    void statusesOnlyMoveForwardWhateverTheirOrder() {
        assertThat(process.process(status("wamid.9", MessageStatus.READ)).outcome()).isEqualTo(Outcome.STATUS_ADVANCED);
        assertThat(process.process(status("wamid.9", MessageStatus.SENT)).outcome()).isEqualTo(Outcome.STATUS_STALE);
        assertThat(process.process(status("wamid.9", MessageStatus.DELIVERED)).outcome()).isEqualTo(Outcome.STATUS_STALE);
        assertThat(fakes.statuses.get("wamid.9")).isEqualTo(MessageStatus.READ);
        assertThat(MessageStatus.DELIVERED.precedes(MessageStatus.FAILED)).isTrue();
        assertThat(MessageStatus.FAILED.precedes(MessageStatus.READ)).isFalse();
    }

    @Test
    void routesEventsWithoutANumberByWabaAndRecordsTheUnrouted() {
        WabaEvent template = new WabaEvent("W1", null, "message_template_status_update", "k1", "{}", null);
        assertThat(process.process(template)).isEqualTo(new ProcessInboundUpdate.Result(Outcome.STORED, ACME));
        assertThat(process.process(template).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(process.process(new WabaEvent("W-unknown", null, "account_update", "k2", "{}", null)).outcome()).isEqualTo(Outcome.UNROUTED);
        assertThat(process.process(new MessageReceived(new PhoneNumberId("999"), new Contact("1", null, null), new Wamid("wamid.x"),
                Instant.EPOCH, "text", null, "{}")).outcome()).isEqualTo(Outcome.UNROUTED);
        assertThat(fakes.unrouted).containsExactly("waba:W-unknown", "phone:999");
    }

    @Test
    void raisesOneEventPerHappeningEvenWhenAPublishFailsAndTheUpdateIsRetried() {
        fakes.failNextPublishes = 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> process.process(message("wamid.E", 10)))
                .hasMessageContaining("bus down");
        assertThat(fakes.messages).hasSize(1);
        assertThat(process.process(message("wamid.E", 10)).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(process.process(message("wamid.E", 10)).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(fakes.published).extracting(DomainEvent::type).containsExactly("message.received");
        DomainEvent event = fakes.published.get(0);
        assertThat(event.detail()).containsEntry("tenantId", "acme").containsEntry("wamid", "wamid.E").containsEntry("type", "text");

        process.process(status("wamid.S", MessageStatus.DELIVERED));
        process.process(status("wamid.S", MessageStatus.SENT));
        process.process(status("wamid.S", MessageStatus.DELIVERED));
        process.process(new WabaEvent("W1", null, "message_template_status_update", "k9", "{}", null));
        assertThat(fakes.published).extracting(DomainEvent::type)
                .containsExactly("message.received", "message.status", "message.status", "template.updated");
        assertThat(fakes.published.get(2).detail()).containsEntry("status", "sent").containsEntry("advanced", false);
    }

    @Test
    void updatesNeverPrintAUsersPhoneNumberOrMessage() {
        assertThat(status("wamid.S", MessageStatus.READ).toString()).doesNotContain("6281100011");
        assertThat(message("wamid.M", 1).toString()).doesNotContain("6281100011").doesNotContain("Sari");
        assertThat(new Contact("6281234567890", null, "Sari").toString()).doesNotContain("628123456").doesNotContain("Sari");
    }

    @Test
    void aNotificationSendsDeliveredAndReadCountOnceWhateverTheOrderAndOtherSendsCountNothing() {
        String notificationSend = io.wabridge.core.notify.Notification.SEND_ID_PREFIX + "0123456789abcdef0123456789abcdef";
        process.process(new StatusChanged(ACME_NUMBER, new Wamid("wamid.N1"), MessageStatus.READ, Instant.ofEpochSecond(30), "6281100011",
                null, null, null, null, notificationSend));
        process.process(new StatusChanged(ACME_NUMBER, new Wamid("wamid.N1"), MessageStatus.DELIVERED, Instant.ofEpochSecond(20), "6281100011",
                null, null, null, null, notificationSend));
        process.process(new StatusChanged(ACME_NUMBER, new Wamid("wamid.N1"), MessageStatus.READ, Instant.ofEpochSecond(30), "6281100011",
                null, null, null, null, notificationSend));
        process.process(new StatusChanged(ACME_NUMBER, new Wamid("wamid.O1"), MessageStatus.READ, Instant.ofEpochSecond(30), "6281100011",
                null, null, null, null, "msg_0123456789abcdef0123456789abcdef"));
        assertThat(fakes.notificationCounts).containsExactly("delivered", "read");
    }
}
