package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.SignupSessions;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.Contact;
import io.wabridge.core.inbound.InboundUpdate.MessageReceived;
import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.inbound.InboundUpdate.WabaEvent;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.inbound.StatusEffects;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.notify.Notification;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.tenant.ApiRateLimit;
import io.wabridge.core.tenant.ContactPrivacy;
import io.wabridge.core.tenant.TemplateCatalog;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes an item of every type in the catalogue through the adapters, then exports and erases a contact and purges
 * the tenant as the API and the scheduled purge do, and checks each against what {@link TableItems#TYPES} says: an
 * erasure leaves nothing naming the contact but items that expire by themselves, a purge leaves nothing of the
 * tenant but what the catalogue keeps or lets expire. A new item type fails here until it is written below and
 * the erasure and purge reach it.
 */
@ExtendWith(LocalAws.class)
class TenantDataCoverageTest {

    static final TenantId TENANT = new TenantId("coverage-co");
    static final PhoneNumberId NUMBER = new PhoneNumberId("106540352242922");
    static final String WABA = "W-COVER";
    /** The contact erased: a wa_id and the BSUID Meta gives beside it. */
    static final String WA_ID = "6281200000001";
    static final String BSUID = "ID.CoverX0001";
    /** A contact who wrote but never opted in (so has reminders and no ledger). */
    static final String UNDECIDED = "6281200000002";
    /** A contact who only received a message sent outside WaBridge. */
    static final String ELSEWHERE = "6281200000003";

    private DynamoDbClient dynamo;
    private String table;
    private final Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);

    private DynamoDbInboundStore inbound;
    private DynamoDbContactIds ids;
    private DynamoDbOutbox outbox;
    private DynamoDbNotifications notifications;
    private DynamoDbRouting routing;
    private DynamoDbChannels channels;
    private DynamoDbConsentLedger ledger;
    private DynamoDbContactData contactData;
    private DynamoDbTenantPurge purge;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "coverage");
        S3Objects media = wiring.media();
        inbound = new DynamoDbInboundStore(dynamo, table, clock, () -> media);
        ids = new DynamoDbContactIds(dynamo, table);
        outbox = new DynamoDbOutbox(dynamo, table, clock);
        notifications = new DynamoDbNotifications(dynamo, table);
        routing = new DynamoDbRouting(dynamo, table, clock);
        channels = new DynamoDbChannels(dynamo, table);
        ledger = new DynamoDbConsentLedger(dynamo, table);
        contactData = new DynamoDbContactData(dynamo, table, () -> media);
        purge = new DynamoDbTenantPurge(dynamo, table, contactData);
    }

    @Test
    void anErasureAndAPurgeReachEveryItemTypeTheCatalogueSaysTheyReach() throws Exception {
        writeOneOfEveryType();
        assertThat(typesIn(scan())).as("every catalogued type is written above")
                .containsExactlyInAnyOrderElementsOf(TableItems.TYPES.stream().map(TableItems.Type::name).toList());

        ContactPrivacy privacy = new ContactPrivacy(channels, contactData, ledger, clock);
        String export = privacy.export(TENANT, WA_ID, "op").toString();
        assertThat(export).as("the message, the send and its status, a status of a message sent elsewhere, the notification, "
                        + "the person's ids").contains("halo dari X", "Terima kasih", "wamid.OUT-1", "wamid.ELSEWHERE-X", "ntf-1", BSUID);

        privacy.erase(TENANT, WA_ID, "op");
        for (Map<String, AttributeValue> item : scan()) {
            if (item.toString().contains(WA_ID) || item.toString().contains(BSUID)) {
                TableItems.Type type = type(item);
                assertThat(type.expires()).as("after the erasure, " + type.name() + " still names the contact: " + key(item)).isNotNull();
            }
        }

        routing.release(TENANT, WABA, NUMBER.value(), true); // offboarding disconnects every channel first
        purge.purge(TENANT);
        List<String> left = new ArrayList<>();
        for (Map<String, AttributeValue> item : scan()) {
            if (item.toString().contains(TENANT.value())) {
                TableItems.Type type = type(item);
                if (!type.purge().startsWith("kept") && !type.purge().startsWith("expires")) {
                    left.add(type.name() + ": " + key(item));
                }
            }
        }
        assertThat(left).as("after the purge, items of the tenant the catalogue neither keeps nor lets expire").isEmpty();
        assertThat(scan().stream().map(TenantDataCoverageTest::type).map(TableItems.Type::name))
                .as("the purge keeps the audit trail and the offboarding").contains("audit", "offboarding");
    }

    private void writeOneOfEveryType() {
        // routing, channel, settings, secret, templates, account records
        assertThat(routing.claim(TENANT, WABA, NUMBER)).isTrue();
        routing.recordUnrouted("phone", "999000111222");
        channels.save(new Channel(TENANT, NUMBER.value(), WABA, "B1", "+62 811-0000-001", "Toko", "GREEN", "TIER_1K", "STANDARD",
                Channel.Status.ACTIVE, null, false, List.of(), now, now, Channel.Health.NONE));
        TenantSettings d = TenantSettings.defaults();
        new DynamoDbSettings(dynamo, table, clock).save(TENANT, new TenantSettings(d.botHookUrl(), d.botHookTimeoutMillis(), "Toko",
                d.optInIntent(), d.optInForUtility(), d.optInForMarketing(), d.stopKeywords(), d.startKeywords(), d.defaultTemplateLanguage(),
                d.optInReminders(), 1, now, "op"), 0);
        new DynamoDbSecretStore(dynamo, table).put(new SecretContext(TENANT.value(), NUMBER.value(), SecretField.BUSINESS_TOKEN),
                new EncryptedSecret(1, "key-1", new byte[] {1}, new byte[12], new byte[] {2}));
        DynamoDbTemplates templates = new DynamoDbTemplates(dynamo, table, clock);
        templates.upsert(TENANT, new TemplateCatalog.Template(WABA, "T1", "order_ready", "id", "UTILITY", "APPROVED", "GREEN", null));
        templates.markSynced(TENANT, WABA);
        inbound.applyChange(TENANT, new AccountChange.WabaChange(WABA, "PARTNER_ADDED", AccountChange.WabaEffect.NONE, null));
        inbound.applyChange(TENANT, new AccountChange.NumberChange(WABA, "+62 811-0000-001", "UPGRADE", "GREEN", "TIER_10K", "HIGH", null));
        inbound.saveEventIfAbsent(TENANT, new WabaEvent(WABA, NUMBER, "account_update", "k-1", "{}", null));

        // the contact's message, contact record, alias and ids; a second contact who never opted in
        receive(new Contact(WA_ID, BSUID, "Sari"), "wamid.IN-X", "halo dari X");
        receive(new Contact(UNDECIDED, null, "Budi"), "wamid.IN-U", "halo");
        notifications.schedule(TENANT, UNDECIDED, NUMBER.value(), now.plusSeconds(600), 3, now);
        ledger.append(ConsentEvent.of(TENANT, WA_ID, ConsentEvent.Action.OPT_IN, ConsentEvent.Scope.ALL, ConsentEvent.Source.API, now,
                Map.of("formId", "f1"), "op"));

        // a send to the contact, its idempotency key, its wamid, status and callback; statuses of messages sent elsewhere
        assertThat(outbox.reserve(TENANT, "key-1", "fp", "msg_11111111111111111111111111111111")).isEmpty();
        OutboundMessage send = new OutboundMessage("msg_11111111111111111111111111111111", TENANT, NUMBER, WA_ID,
                new io.wabridge.core.send.OutboundContent.Text("Terima kasih", null), null, io.wabridge.core.send.SendState.QUEUED, null, 0, null, null, now, now);
        outbox.create(send);
        outbox.save(new OutboundMessage(send.id(), TENANT, NUMBER, WA_ID, send.content(), null, io.wabridge.core.send.SendState.SENT, new Wamid("wamid.OUT-1"), 1,
                null, null, now, now, send.id(), null));
        status("wamid.OUT-1", WA_ID, send.id());
        status("wamid.ELSEWHERE-X", WA_ID, null);
        status("wamid.ELSEWHERE-Z", ELSEWHERE, null);

        // a notification to the contact and another number, its day, an opt-in link
        Notification n = new Notification("ntf-1", TENANT, NUMBER.value(), "order_ready", "id", "utility", List.of(), now, "scheduled", 2,
                Map.of(), now, "op");
        notifications.create(n, List.of(new Notification.Recipient(1, WA_ID, null, null, null, null, null),
                new Notification.Recipient(2, "6281200000009", null, null, null, null, null)));
        notifications.recordOutcome(TENANT, "ntf-1", new Notification.Recipient(2, "6281200000009", null, "skipped", "opted_out", null, now),
                false, now);
        notifications.save(new OptInLinks.Link("nonce-1", TENANT, WA_ID, ConsentEvent.Scope.ALL, "ntf-1", now.plus(Duration.ofDays(7)), null));

        // counters, leases, sessions, the offboarding, audit and the failure log
        new DynamoDbApiRateCounter(dynamo, table, clock).take(TENANT, new ApiRateLimit.Plan("default", 10, 5));
        new DynamoDbSendPacer(dynamo, table, clock).tryAcquire(NUMBER.value(), 10);
        new DynamoDbHealthLeases(dynamo, table).claim(NUMBER.value(), 1, now.plusSeconds(600));
        new DynamoDbCallBudget(dynamo, table).take(WABA, 1, 100, now);
        new DynamoDbSignupSessions(dynamo, table).create(new SignupSessions.Session("s-1", TENANT, now, now.plusSeconds(600), null));
        new DynamoDbFailureLog(dynamo, table, clock).record("sqs-1", 1, "IllegalStateException");
        new DynamoDbPublishOnceLedger(dynamo, table, clock).markPublished("message.received#wamid.IN-X");
        purge.start(TENANT, now, now, "op");
        contactData.audit(TENANT, "contact.export", ContactKey.pseudonym(TENANT, WA_ID), "op", Map.of(), now);
    }

    private void receive(Contact contact, String wamid, String text) {
        MessageReceived m = new MessageReceived(NUMBER, contact, new Wamid(wamid), now, "text", null,
                "{\"text\":{\"body\":\"" + text + "\"}}");
        ids.keyOf(TENANT, contact, now);
        inbound.saveMessageIfAbsent(TENANT, m);
        inbound.touchContact(TENANT, m);
    }

    private void status(String wamid, String recipient, String callbackData) {
        StatusChanged st = new StatusChanged(NUMBER, new Wamid(wamid), MessageStatus.SENT, now, recipient, null, null, "utility", "regular",
                callbackData);
        inbound.applyStatus(TENANT, st, StatusEffects.of(st));
    }

    private List<Map<String, AttributeValue>> scan() {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(out::add);
        return out;
    }

    private static Set<String> typesIn(List<Map<String, AttributeValue>> items) {
        Set<String> out = new TreeSet<>();
        items.forEach(item -> out.add(type(item).name()));
        return out;
    }

    private static TableItems.Type type(Map<String, AttributeValue> item) {
        return TableItems.typeOf(item.get("PK").s(), item.get("SK").s());
    }

    private static String key(Map<String, AttributeValue> item) {
        return item.get("PK").s() + " / " + item.get("SK").s();
    }
}
