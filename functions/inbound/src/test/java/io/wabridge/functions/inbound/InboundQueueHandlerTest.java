package io.wabridge.functions.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.inbound.InboundStore;
import io.wabridge.core.inbound.InboundUpdate;
import io.wabridge.core.inbound.ProcessInboundUpdate;
import io.wabridge.core.inbound.Routing;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboundQueueHandlerTest {

    /** Fakes of the ports: every number belongs to tenant acme; messages stored once per wamid. */
    private final Map<String, InboundUpdate.MessageReceived> stored = new HashMap<>();
    private final List<String> statuses = new ArrayList<>();
    private final Routing routing = new Routing() {
        public Optional<TenantId> byPhoneNumber(PhoneNumberId id) {
            return Optional.of(new TenantId("acme"));
        }

        public Optional<TenantId> byWaba(String wabaId) {
            return Optional.of(new TenantId("acme"));
        }

        public void recordUnrouted(String kind, String id) {
        }
    };

    private final InboundStore store = new InboundStore() {
        public boolean saveMessageIfAbsent(TenantId t, InboundUpdate.MessageReceived m) {
            return stored.putIfAbsent(m.wamid().value(), m) == null;
        }

        public void touchContact(TenantId t, InboundUpdate.MessageReceived m) {
        }

        public StatusRecorded applyStatus(TenantId t, InboundUpdate.StatusChanged s, io.wabridge.core.inbound.StatusEffects effects) {
            return new StatusRecorded(statuses.add(s.wamid() + ":" + s.status()), 0);
        }

        public void countNotificationStatus(TenantId t, java.time.Instant at, List<String> counters) {
        }

        public void applyChange(TenantId t, io.wabridge.core.inbound.AccountChange c) {
        }

        public boolean saveEventIfAbsent(TenantId t, InboundUpdate.WabaEvent e) {
            return true;
        }
    };

    private final List<DomainEvent> events = new ArrayList<>();
    private final DomainEvents bus = new DomainEvents() {
        private final java.util.Set<String> keys = new java.util.HashSet<>();

        public void publish(DomainEvent event) {
            events.add(event);
        }

        public boolean published(String key) {
            return keys.contains(key);
        }

        public void markPublished(String key) {
            keys.add(key);
        }
    };

    /** No message in these batches is a keyword: the ledger must not be touched. */
    private final io.wabridge.core.consent.InboundConsent consent = new io.wabridge.core.consent.InboundConsent(
            new io.wabridge.core.consent.ConsentLedger() {
                public Change append(io.wabridge.core.consent.ConsentEvent e) {
                    throw new AssertionError("no consent in these batches");
                }

                public List<io.wabridge.core.consent.ConsentEvent> history(TenantId t, String c) {
                    return List.of();
                }

                public io.wabridge.core.consent.ConsentState state(TenantId t, String c) {
                    return io.wabridge.core.consent.ConsentState.NONE;
                }

                public int forget(TenantId t, String c) {
                    return 0;
                }
            }, t -> io.wabridge.core.tenant.TenantSettings.defaults(), (t, pn, to, text, key) -> { throw new AssertionError("no reply"); },
            new io.wabridge.core.consent.OptInReminders.Store() {
                public boolean schedule(TenantId t, String c, String pn, java.time.Instant due, int max, java.time.Instant now) {
                    throw new AssertionError("reminders are off by default");
                }

                public List<Reminder> dueReminders(java.time.Instant now, int limit) {
                    return List.of();
                }

                public boolean take(Reminder d) {
                    return false;
                }

                public void sent(Reminder d, java.time.Instant at) {
                }
            }, java.time.Clock.systemUTC());

    private final List<String> failureLog = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();
    private final InboundQueueHandler handler = new InboundQueueHandler(new MetaWebhookParser(), new ProcessInboundUpdate(routing, store, bus, job -> { }, (t, m) -> { }, consent, (t, c, k) -> { }),
            (id, count, reason) -> failureLog.add(id + "|" + count + "|" + reason),
            () -> { throw new AssertionError("no claim checks in these batches"); },
            (record, reason) -> deadLettered.add(record.getMessageId() + "|" + reason));

    @Test
    void deadLettersARecordThatCanNeverBeReadAtOnceAndGoesOnWithTheRest() {
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stored).hasSize(1);
        InboundUpdate.MessageReceived message = stored.values().iterator().next();
        assertThat(message.phoneNumberId().value()).isEqualTo("106540352242922");
        assertThat(message.contact().waId()).isEqualTo("16505551234");
        assertThat(message.contentJson()).contains("Does it come in another color?");
        assertThat(statuses).containsExactly("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA:DELIVERED");
        // The poison record's reason goes with it to the dead-letter queue and into the failure log; not its body.
        String reason = "MalformedWebhook: webhook body is not valid JSON (at line 1)";
        assertThat(deadLettered).containsExactly(event.getRecords().get(1).getMessageId() + "|" + reason);
        assertThat(failureLog).containsExactly(event.getRecords().get(1).getMessageId() + "|1|" + reason);
    }

    @Test
    void aRecordThatCanNeverBeReadStaysInTheQueueWhenTheDeadLetterQueueRefusesIt() {
        InboundQueueHandler h = new InboundQueueHandler(new MetaWebhookParser(), new ProcessInboundUpdate(routing, store, bus, job -> { }, (t, m) -> { }, consent, (t, c, k) -> { }),
                (id, count, reason) -> failureLog.add(id + "|" + count + "|" + reason),
                () -> { throw new AssertionError("no claim checks in these batches"); },
                (record, reason) -> { throw new IllegalStateException("dead-letter queue unavailable"); });
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        assertThat(h.handleRequest(event, null).getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(1).getMessageId(), event.getRecords().get(2).getMessageId());
    }

    @Test
    void aBatchReceivedTooCloseToTheTimeoutStartsNoRecordAndLeavesThemAllInTheQueue() {
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        // Less of the invocation is left than a record may need: none starts, all go back, in order.
        int remaining = (int) InboundQueueHandler.RECORD_RESERVE.minusSeconds(1).toMillis();
        com.amazonaws.services.lambda.runtime.Context context = (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemainingTimeInMillis" -> remaining;
                    case "getAwsRequestId" -> "req-late";
                    default -> null;
                });
        assertThat(handler.handleRequest(event, context).getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyElementsOf(event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList());
        assertThat(stored).isEmpty();
        assertThat(deadLettered).isEmpty();
        assertThat(failureLog).isEmpty();
    }

    @Test
    void acknowledgesAGoodBatchAndStoresADuplicateOnce() {
        SQSEvent event = EventLoader.loadSQSEvent("events/inbound-sqs-batch.json");
        event.setRecords(List.of(event.getRecords().get(0), event.getRecords().get(0), event.getRecords().get(2)));
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stored).hasSize(1);
        assertThat(statuses).containsExactly("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA:DELIVERED");
        assertThat(events).extracting(DomainEvent::type).containsExactly("message.received", "message.status");
    }

    @Test
    void reportsARecordWhoseStoreFails() {
        InboundStore failing = new InboundStore() {
            public boolean saveMessageIfAbsent(TenantId t, InboundUpdate.MessageReceived m) {
                throw new IllegalStateException("table throttled");
            }

            public void touchContact(TenantId t, InboundUpdate.MessageReceived m) {
            }

            public StatusRecorded applyStatus(TenantId t, InboundUpdate.StatusChanged s, io.wabridge.core.inbound.StatusEffects effects) {
                return new StatusRecorded(true, 0);
            }

            public void countNotificationStatus(TenantId t, java.time.Instant at, List<String> counters) {
            }

            public void applyChange(TenantId t, io.wabridge.core.inbound.AccountChange c) {
            }

            public boolean saveEventIfAbsent(TenantId t, InboundUpdate.WabaEvent e) {
                return true;
            }
        };
        InboundQueueHandler h = new InboundQueueHandler(new MetaWebhookParser(), new ProcessInboundUpdate(routing, failing, bus, job -> { }, (t, m) -> { }, consent, (t, c, k) -> { }),
                (id, count, reason) -> failureLog.add(id + "|" + count + "|" + reason),
            () -> { throw new AssertionError("no claim checks in these batches"); }, (record, reason) -> deadLettered.add(record.getMessageId()));
        assertThat(h.handleRequest(EventLoader.loadSQSEvent("events/inbound-sqs-batch.json"), null).getBatchItemFailures()).hasSize(3);
    }
}
