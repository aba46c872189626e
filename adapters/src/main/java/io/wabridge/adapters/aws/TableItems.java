package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The catalogue of the one table: every item type with its key shapes, index keys, expiry, owner and what it
 * holds of a contact, and the only place key prefixes are spelled. Adapters, the soak checker and the tests
 * build and read keys through the methods below; {@link #TYPES} is what {@code docs/data-model.md} is
 * checked against, and what says how each tenant's item is reached by a contact export, a contact erasure
 * and a tenant purge.
 *
 * <p>Keys join their parts with {@code #}; a tenant id, phone number id or contact key never holds one
 * (their parsers refuse it), so a key cannot reach into another tenant's partition.
 */
public final class TableItems {

    private TableItems() {}

    /** The TTL attribute of the table (epoch seconds). */
    public static final String TTL = "expiresAt";

    // ----- the catalogue -----------------------------------------------------------------------------------------

    /**
     * One item type.
     *
     * @param name         what it is
     * @param pk           the partition key's shape
     * @param sk           the sort key's shape
     * @param gsi1         {@code GSI1PK} / {@code GSI1SK} when it is in the index (null: never)
     * @param expires      when {@link #TTL} removes it (null: never)
     * @param tenantScoped whether it belongs to one tenant (its key or its {@code tenantId} names the tenant)
     * @param contact      what of a contact it holds (null: nothing)
     * @param export       how a contact export finds it (null: not exported)
     * @param erasure      how a contact erasure removes it (null: not erased)
     * @param purge        how the tenant purge removes it, or why it stays (null: not at all)
     * @param holds        its other attributes, in short
     */
    public record Type(String name, String pk, String sk, String gsi1, String expires, boolean tenantScoped, String contact,
                       String export, String erasure, String purge, String holds) {

        /**
         * Whether a key has this type's shape: each {@code {part}} of a shape is one or more characters other than
         * {@code #}, except {@code {key}} (an event or idempotency key), which may hold {@code #}.
         */
        public boolean matches(String pkValue, String skValue) {
            return pattern(pk).matcher(pkValue).matches() && pattern(sk).matcher(skValue).matches();
        }

        /** The key shapes of a shape text: each {@code `...`} in it is one. */
        private static Pattern pattern(String shape) {
            List<String> alternatives = new ArrayList<>();
            Matcher quoted = Pattern.compile("`([^`]*)`").matcher(shape);
            while (quoted.find()) {
                StringBuilder regex = new StringBuilder();
                for (String part : quoted.group(1).split("(?=\\{)|(?<=\\})")) {
                    regex.append(part.equals("{key}") ? ".+" : part.startsWith("{") && part.endsWith("}") ? "[^#]+" : Pattern.quote(part));
                }
                alternatives.add(regex.toString());
            }
            return Pattern.compile(String.join("|", alternatives));
        }
    }

    /** The type of the item with this key; {@link IllegalArgumentException} when none has its shape. */
    public static Type typeOf(String pk, String sk) {
        List<Type> found = TYPES.stream().filter(t -> t.matches(pk, sk)).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException("key " + pk + " / " + sk + " has " + (found.isEmpty() ? "no type" : "types " + found.stream().map(Type::name).toList()));
        }
        return found.get(0);
    }

    private static final String BY_CONTACT = "through the contact's records on each channel (DynamoDbContactData)";
    private static final String BY_SENDS = "through the contact's list of sends (DynamoDbContactData)";
    private static final String BY_CHANNELS = "each channel's contacts erased as a contact erasure, then the channel partition";

    /** Every item type of the table. */
    public static final List<Type> TYPES = List.of(
            new Type("routing", "`PHONE#{phoneNumberId}` / `WABA#{wabaId}`", "`ROUTE`", null, null, true, null, null, null,
                    "released when the tenant is offboarded (each channel disconnected)",
                    "`tenantId`, `wabaId`; claimed conditionally, so a number belongs to one tenant"),
            new Type("unrouted update", "`UNROUTED#{yyyy-mm-dd}`", "`{phone or waba}#{id}`", null, "14 days", false, null, null, null, null,
                    "`seen` per unknown id and day, `lastSeenAt`"),
            new Type("inbound message", "`CONV#{tenant}#{phoneNumberId}#{contactKey}`", "`MSG#{epochMillis, 13 digits}#{wamid}`", null, null,
                    true, "wa_id, BSUID, profile name, the message", BY_CONTACT, BY_CONTACT + ", with its media and large-content objects",
                    BY_CHANNELS, "type, reply-to wamid, Meta's message object (`content`, or `contentKey` in the bucket above 64 KB), `media`"),
            new Type("wamid pointer (idempotency)", "`WAMID#{wamid}`", "`MSG`", null, null, true, null, null, "with its message", BY_CHANNELS,
                    "`tenantId`, `messagePK`, `messageSK`; written with the message in one conditional transaction"),
            new Type("message status", "`WAMID#{wamid}`", "`STATUS`", null, null, true, "`recipient` (wa_id)", BY_SENDS, BY_SENDS,
                    "each send in the tenant's list erased as a contact's",
                    "current `status` (only moves forward: sent < delivered < read < played; failed terminal), `statusRank`, "
                            + "`at_<status>` times, Meta's errors, `pricingCategory`, `pricingType`"),
            new Type("contact", "`TENANT#{tenant}#CHANNEL#{phoneNumberId}`", "`CONTACT#{contactKey}`",
                    "`CONVS#{tenant}#{phoneNumberId}` / `{lastInboundAt epoch ms, 13 digits}#{contactKey}`", null, true,
                    "wa_id, BSUID, profile name", BY_CONTACT, BY_CONTACT, BY_CHANNELS,
                    "`lastInboundAt` (the 24 h window; only moves forward), `lastInboundWamid`, `handoffUntil`, `handoffBy`"),
            new Type("wa_id alias", "`TENANT#{tenant}#CHANNEL#{phoneNumberId}`", "`WAID#{wa_id}`", null, null, true, "wa_id", BY_CONTACT,
                    BY_CONTACT, BY_CHANNELS, "`contactKey` (the BSUID a send to the wa_id finds the window under)"),
            new Type("contact id", "`TENANT#{tenant}#CONTACTID`", "`{id}` (a wa_id, BSUID or username)", null, null, true, "the id itself",
                    "every id of the person (DynamoDbContactData)", "every id of the person (DynamoDbContactIds.forget)", "the partition",
                    "`contactKey` (the person's key), `kind` (`wa_id`/`bsuid`/`username`), `source` (`webhook`/`user_changed_number`), "
                            + "`linkedAt`; the key's own item also holds `ids` (every id of the person)"),
            new Type("account/template event", "`TENANT#{tenant}#EVENTS`", "`{epochMillis, 13 digits}#{key}`", null, null, true, null, null,
                    null, "the partition", "field, WABA, phone number id and Meta's value"),
            new Type("event dedupe", "`SEEN#{key}`", "`SEEN`", null, "8 days", true, null, null, null, "expires", "nothing but the key"),
            new Type("domain event log", "`EVT#{key}`", "`EVT`", null, "8 days", true, null, null, null, "expires",
                    "marks an event published once (DynamoDbPublishOnceLedger)"),
            new Type("template", "`TENANT#{tenant}`", "`TEMPLATE#{wabaId}#{name}#{language}`", null, null, true, null, null, null,
                    "the tenant partition",
                    "status, quality, category, rejection reason and text, `pendingCategory`, `pendingCategoryAt`, `eventAt`, `shape`; "
                            + "`status = DELETED` once deleted through the API"),
            new Type("template sync", "`TENANT#{tenant}`", "`TEMPLATESYNC#{wabaId}`", null, null, true, null, null, null, "the tenant partition",
                    "`syncedAt` of the WABA's last full sync"),
            new Type("WABA", "`TENANT#{tenant}`", "`WABA#{wabaId}`", null, null, true, null, null, null, "the tenant partition",
                    "last `account_update` event; `connection = disconnected` after `PARTNER_APP_UNINSTALLED`/`PARTNER_REMOVED`"),
            new Type("number state", "`TENANT#{tenant}`", "`WABA#{wabaId}#NUMBER#{display number}`", null, null, true, null, null, null,
                    "the tenant partition", "messaging limit, throughput, quality, name decision"),
            new Type("usage", "`TENANT#{tenant}`", "`USAGE#{yyyy-mm-dd}`", null, null, true, null, null, null, "the tenant partition",
                    "`in#{phoneNumberId}`, `out#{phoneNumberId}`, `<category>#<type>` and `priced` (each message counted once)"),
            new Type("channel", "`TENANT#{tenant}`", "`CHANNEL#{phoneNumberId}`",
                    "`CHANNEL_HEALTH` / `{slot, 5 digits}#{tenant}#{phoneNumberId}` while the health check looks after it", null, true, null,
                    null, null, "the tenant partition",
                    "WABA, business, number facts, `status`, token expiry, `steps`, the health check's findings"),
            new Type("health claim", "`HEALTH#{phoneNumberId}`", "`LEASE`", null, "the claimed period's end", false, null, null, null, null,
                    "the last `period` claimed"),
            new Type("health call budget", "`CALLS#{wabaId}`", "`HOUR#{epoch hour}`", null, "2 hours", false, null, null, null, null,
                    "`calls` taken from the WABA's hourly budget"),
            new Type("send", "`OUT#{id}`", "`MSG`", "`HELD#{tenant}#{phoneNumberId}` / `{createdAt}#{id}` while held", null, true,
                    "`to`, the message", BY_SENDS, BY_SENDS, "each send in the tenant's list erased as a contact's",
                    "channel, type, Meta's object, `state`, attempts, wamid, last error, `callbackData`"),
            new Type("sends to a contact", "`TENANT#{tenant}#CONTACTOUT#{contact}`",
                    "`OUT#{id}`, or `WAMID#{wamid}` for a message sent outside WaBridge (its status)",
                    "`TENANT#{tenant}#SENDS` / `{id or wamid}`", null, true, "the contact in the key", "the list itself", BY_SENDS,
                    "the tenant's list of sends (GSI1)", "nothing but the keys"),
            new Type("wamid of a send", "`WAMID#{wamid}`", "`OUT`", null, null, true, null, null, "with its send", "with its send",
                    "`tenantId`, `messageId`"),
            new Type("send callback", "`OUTCB#{send id}`", "`WAMID`", null, "8 days", true, null, null, "with its send", "with its send",
                    "the wamid a status reported for a send (Meta echoes our id)"),
            new Type("idempotency key", "`IDEMP#{tenant}#{key}`", "`KEY`", null, "7 days", true, null, null, null, "expires",
                    "the send id the key was first given, the request's `fingerprint`"),
            new Type("pace", "`PACE#{phoneNumberId}`", "`{epoch second}`", null, "1 minute", false, null, null, null, null,
                    "`sent` in the number's second"),
            new Type("API rate count", "`RATE#{tenant}`", "`{window start, epoch second}`", null, "a minute after the window", true, null,
                    null, null, "expires", "`requests` in the 10-second window, `s0`..`s9` per second"),
            new Type("settings", "`TENANT#{tenant}`", "`SETTINGS` (and `SETTINGS#V{version, 10 digits}` per version)", null, null, true, null,
                    null, null, "the tenant partition",
                    "bot hook URL and timeout, opt-in texts and policy, keywords, default language, `version`, `updatedBy`, `updatedAt`"),
            new Type("encrypted tenant secret", "`TENANT#{tenant}`", "`SECRET#{phoneNumberId or tenant}#{field}`", null, null, true, null,
                    null, null, "the tenant partition", "`secret` (the envelope), `keyId`, `updatedAt`; see \"Token vault\""),
            new Type("consent entry", "`TENANT#{tenant}#CONSENT#{contact}`", "`LOG#{id}`", null, null, true, "the contact in the key, proof",
                    "the ledger's history (ContactPrivacy)", "the contact's ledger partition (DynamoDbConsentLedger.forget)",
                    "each ledger in the tenant's list (GSI1 of its state)", "action, scope, source, `at`, `proof`, `recordedBy`; never changed"),
            new Type("consent state", "`TENANT#{tenant}#CONSENT#{contact}`", "`STATE`", "`TENANT#{tenant}#CONSENTS` / `{contact}`", null, true,
                    "the contact in the key", "derived from the history exported", "the contact's ledger partition",
                    "each ledger in the tenant's list (GSI1)", "`all`, `marketing` (none/in/out), `optedOutAt`, `entries`, `version`"),
            new Type("opt-in reminders", "`TENANT#{tenant}#CONSENT#{contact}`", "`REMINDER`", "`REMINDDUE#{0..7}` / `{due epoch ms}#{tenant}#{contact}` while one is pending",
                    null, true, "the contact in the key", "the contact's reminder item (DynamoDbContactData)", "the contact's ledger partition",
                    "the consent partition of every id the tenant knows", "`sent`, `lastSentAt`, `phoneNumberId`"),
            new Type("consent counters", "`TENANT#{tenant}`", "`CONSENTSTATS`", null, null, true, null, null, null, "the tenant partition",
                    "`known`, `optedIn`, `optedOut` contacts"),
            new Type("notification list", "`TENANT#{tenant}`", "`NOTIF#{id}`", null, null, true, null, null, null, "the tenant partition",
                    "`createdAt`: the tenant's notifications, for its purge"),
            new Type("notification", "`TENANT#{tenant}#NOTIF#{id}`", "`NOTIF`", "`NOTIFDUE#{0..7}` / `{due epoch ms, 15 digits}#{tenant}#{id}` until done",
                    null, true, null, null, null, "each notification in the tenant's list",
                    "channel, template, category, components, `dueAt`, `state`, counters `c_<outcome>`, `leaseUntil`"),
            new Type("notification recipient", "`TENANT#{tenant}#NOTIF#{id}`", "`TO#{index, 6 digits}`", null, null, true, "`to`, components",
                    "recipients addressed to any id of the person, across the tenant's notifications (DynamoDbContactData)",
                    "the same recipients, deleted",
                    "each notification in the tenant's list", "own components, `outcome`, `reason`, `messageId`, `decidedAt`"),
            new Type("notification day", "`TENANT#{tenant}`", "`NOTIFSTATS#{yyyy-mm-dd}`", null, null, true, null, null, null,
                    "the tenant partition", "sent, sentInWindow, fallback, skipped, failed, delivered, read"),
            new Type("opt-in link", "`OPTIN#{nonce}`", "`LINK`", null, "30 days after the link's expiry", true, "`contact`", null, "expires (no index finds it by contact)",
                    "expires", "tenant, scope, notification, `linkExpiresAt`, `usedAt` (set once)"),
            new Type("signup session", "`SIGNUP#{sessionId}`", "`SESSION`", null, "a day after the session", true, null, null, null, "expires",
                    "tenant, `sessionExpiresAt`, `outcome` (set once: single use)"),
            new Type("offboarding", "`OFFBOARD#{tenant}`", "`STATE`", "`PURGEDUE` / `{purge after, epoch ms}#{tenant}` until purged", null,
                    true, null, null, null, "kept: the record that the tenant was offboarded and purged",
                    "`at`, `purgeAfter`, `by`, `purgedAt`, `removed`"),
            new Type("audit", "`TENANT#{tenant}#AUDIT`", "`{time}#{uuid}`", null, null, true, null, null, null,
                    "kept: the audit trail outlives the tenant",
                    "`action`, `subject` (a contact's pseudonym, or a phone number id), `who`, counts or `wabaId` and `reason`"),
            new Type("queue failure", "`QUEUE_FAILURE#{sqs message id}`", "`FAILURE`", null, "14 days", false, null, null, null, null,
                    "the latest `reason` and `receiveCount` of a record that failed"));

    /**
     * The catalogue as the two Markdown tables of {@code docs/data-model.md}: the item shapes, and how a
     * contact export, a contact erasure and a tenant purge reach each item.
     */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| item | PK | SK | GSI1 (PK / SK) | expires (`" + TTL + "`) | holds |\n| --- | --- | --- | --- | --- | --- |\n");
        for (Type t : TYPES) {
            out.append(row(t.name(), t.pk(), t.sk(), t.gsi1(), t.expires(), t.holds()));
        }
        out.append("\n| item | tenant's | contact data | contact export | contact erasure | tenant purge |\n| --- | --- | --- | --- | --- | --- |\n");
        for (Type t : TYPES) {
            out.append(row(t.name(), t.tenantScoped() ? "yes" : "no", t.contact(), t.export(), t.erasure(), t.purge()));
        }
        return out.toString();
    }

    private static String row(String... cells) {
        StringBuilder row = new StringBuilder("|");
        for (String c : cells) {
            row.append(' ').append(c == null ? "-" : c.replace("|", "\\|")).append(" |");
        }
        return row.append('\n').toString();
    }

    // ----- prefixes ----------------------------------------------------------------------------------------------

    private static final String TENANT = "TENANT#";
    private static final String CHANNEL = "CHANNEL#";
    private static final String CONTACT = "CONTACT#";
    private static final String WAID = "WAID#";
    private static final String OUT = "OUT#";
    private static final String NOTIF = "NOTIF#";
    private static final String MSG = "MSG#";
    private static final String USAGE = "USAGE#";
    private static final String NOTIFSTATS = "NOTIFSTATS#";
    private static final String TEMPLATE = "TEMPLATE#";
    private static final String SECRET = "SECRET#";
    private static final String LOG = "LOG#";
    private static final String TO = "TO#";
    private static final String WAMID = "WAMID#";
    private static final String QUEUE_FAILURE = "QUEUE_FAILURE#";
    private static final String CONTACTOUT = "#CONTACTOUT#";

    // ----- keys --------------------------------------------------------------------------------------------------

    /** A key of the table. */
    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(sk));
    }

    /** The tenant's own partition: settings, channels, templates, secrets, counters, the notification list. */
    public static String tenant(TenantId tenant) {
        return tenant(tenant.value());
    }

    /** As {@link #tenant(TenantId)}, for an id checked elsewhere (a secret's context). */
    public static String tenant(String tenantId) {
        return TENANT + tenantId;
    }

    /** The tenant a {@link #tenant} partition key names. */
    public static String tenantOf(String tenantPk) {
        return tenantPk.substring(TENANT.length());
    }

    // routing

    public static String phoneRoute(String phoneNumberId) {
        return "PHONE#" + phoneNumberId;
    }

    public static String wabaRoute(String wabaId) {
        return "WABA#" + wabaId;
    }

    public static final String ROUTE = "ROUTE";

    public static String unrouted(LocalDate day) {
        return "UNROUTED#" + day;
    }

    /** Whether a partition key is the unrouted log's. */
    public static boolean isUnrouted(String pk) {
        return pk.startsWith("UNROUTED#");
    }

    // messages, statuses, contacts

    public static String conversation(TenantId tenant, String phoneNumberId, String contactKey) {
        return "CONV#" + tenant.value() + "#" + phoneNumberId + "#" + contactKey;
    }

    /** Whether a partition key is a conversation's (of {@code tenant} when given). */
    public static boolean isConversation(String pk, TenantId tenant) {
        return pk.startsWith("CONV#" + (tenant == null ? "" : tenant.value() + "#"));
    }

    public static String messageSk(Instant sentAt, String wamid) {
        return MSG + "%013d#%s".formatted(sentAt.toEpochMilli(), wamid);
    }

    /** The sort key prefix of a conversation's messages. */
    public static final String MESSAGES = MSG;

    public static boolean isMessage(String sk) {
        return sk.startsWith(MSG);
    }

    public static String wamid(String wamid) {
        return WAMID + wamid;
    }

    public static boolean isWamid(String pk) {
        return pk.startsWith(WAMID);
    }

    /** The wamid a {@link #wamid} partition key names. */
    public static String wamidOf(String pk) {
        return pk.substring(WAMID.length());
    }

    /** Sort keys under {@link #wamid}: the inbound message's pointer, the status, a send's pointer. */
    public static final String POINTER = "MSG";
    public static final String STATUS = "STATUS";
    public static final String SEND_POINTER = "OUT";

    /** GSI1 partition of a channel's conversations (by recency). */
    public static String conversations(TenantId tenant, String phoneNumberId) {
        return "CONVS#" + tenant.value() + "#" + phoneNumberId;
    }

    public static String conversationsSk(Instant lastInboundAt, String contactKey) {
        return "%013d#%s".formatted(lastInboundAt.toEpochMilli(), contactKey);
    }

    /** A channel's contacts and their aliases. */
    public static String channelContacts(TenantId tenant, String phoneNumberId) {
        return TENANT + tenant.value() + "#" + CHANNEL + phoneNumberId;
    }

    public static String contact(String contactKey) {
        return CONTACT + contactKey;
    }

    public static boolean isContact(String sk) {
        return sk.startsWith(CONTACT);
    }

    public static String contactKeyOf(String contactSk) {
        return contactSk.substring(CONTACT.length());
    }

    public static String waIdAlias(String waId) {
        return WAID + waId;
    }

    public static String contactIds(TenantId tenant) {
        return TENANT + tenant.value() + "#CONTACTID";
    }

    public static String events(TenantId tenant) {
        return TENANT + tenant.value() + "#EVENTS";
    }

    public static String eventSk(long epochMillis, String key) {
        return "%013d#%s".formatted(epochMillis, key);
    }

    public static String seen(String eventKey) {
        return "SEEN#" + eventKey;
    }

    public static final String SEEN = "SEEN";

    /** The domain event log's item of an event key (publish once). */
    public static Map<String, AttributeValue> eventLog(String key) {
        return key("EVT#" + key, "EVT");
    }

    public static boolean isEventLog(String pk) {
        return pk.startsWith("EVT#");
    }

    // the tenant partition

    public static String channel(String phoneNumberId) {
        return CHANNEL + phoneNumberId;
    }

    /** The sort key prefix of the tenant's channels. */
    public static final String CHANNELS = CHANNEL;

    public static boolean isChannel(String sk) {
        return sk.startsWith(CHANNEL);
    }

    public static String phoneNumberIdOfChannel(String channelSk) {
        return channelSk.substring(CHANNEL.length());
    }

    /** GSI1 partition of the channels the health check looks after. */
    public static final String CHANNEL_HEALTH = "CHANNEL_HEALTH";

    public static String template(String wabaId, String name, String language) {
        return TEMPLATE + wabaId + "#" + name + "#" + language;
    }

    /** The sort key prefix of a WABA's templates. */
    public static String templates(String wabaId) {
        return TEMPLATE + wabaId + "#";
    }

    public static String templateSync(String wabaId) {
        return "TEMPLATESYNC#" + wabaId;
    }

    public static String waba(String wabaId) {
        return "WABA#" + wabaId;
    }

    public static String number(String wabaId, String displayPhoneNumber) {
        return waba(wabaId) + "#NUMBER#" + displayPhoneNumber;
    }

    public static String usage(LocalDate day) {
        return USAGE + day;
    }

    public static String usage(Instant at) {
        return usage(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    public static LocalDate dayOfUsage(String sk) {
        return LocalDate.parse(sk.substring(USAGE.length()));
    }

    public static final String SETTINGS = "SETTINGS";

    public static String settingsVersion(long version) {
        return "SETTINGS#V%010d".formatted(version);
    }

    public static String secret(String phoneNumberId, String field) {
        return SECRET + phoneNumberId + "#" + field;
    }

    /** The sort key prefix of every secret. */
    public static final String SECRETS = SECRET;

    /** {@code [phoneNumberId, field]} of a {@link #secret} sort key. */
    public static String[] secretOf(String sk) {
        return sk.substring(SECRET.length()).split("#", 2);
    }

    public static final String CONSENT_STATS = "CONSENTSTATS";

    public static String notificationDay(LocalDate day) {
        return NOTIFSTATS + day;
    }

    public static String notificationDay(Instant at) {
        return notificationDay(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    /** A notification in the tenant's list. */
    public static String notificationListed(String id) {
        return NOTIF + id;
    }

    /** The sort key prefix of the tenant's notification list. */
    public static final String NOTIFICATIONS_LISTED = NOTIF;

    public static boolean isNotificationListed(String sk) {
        return sk.startsWith(NOTIF);
    }

    public static String notificationIdOf(String listedSk) {
        return listedSk.substring(NOTIF.length());
    }

    // sends

    public static String send(String id) {
        return OUT + id;
    }

    public static String sendIdOf(String key) {
        return key.substring(OUT.length());
    }

    public static final String SEND = "MSG";

    public static String contactSends(TenantId tenant, String contact) {
        return TENANT + tenant.value() + CONTACTOUT + contact;
    }

    /** The contact a {@link #contactSends} key names. */
    public static String contactOfSends(TenantId tenant, String pk) {
        return pk.substring(contactSends(tenant, "").length());
    }

    /** GSI1 partition of every send of the tenant. */
    public static String tenantSends(TenantId tenant) {
        return TENANT + tenant.value() + "#SENDS";
    }

    public static String held(TenantId tenant, String phoneNumberId) {
        return "HELD#" + tenant.value() + "#" + phoneNumberId;
    }

    public static String sendCallback(String sendId) {
        return "OUTCB#" + sendId;
    }

    public static final String SEND_CALLBACK = "WAMID";

    public static String idempotency(TenantId tenant, String key) {
        return "IDEMP#" + tenant.value() + "#" + key;
    }

    public static final String IDEMPOTENCY = "KEY";

    public static String pace(String phoneNumberId) {
        return "PACE#" + phoneNumberId;
    }

    public static String rate(TenantId tenant) {
        return "RATE#" + tenant.value();
    }

    public static boolean isRate(String pk) {
        return pk.startsWith("RATE#");
    }

    public static String callBudget(String wabaId) {
        return "CALLS#" + wabaId;
    }

    public static String hour(long epochHour) {
        return "HOUR#" + epochHour;
    }

    public static Map<String, AttributeValue> healthLease(String phoneNumberId) {
        return key("HEALTH#" + phoneNumberId, "LEASE");
    }

    // consent and notifications

    public static String consent(TenantId tenant, String contact) {
        return TENANT + tenant.value() + "#CONSENT#" + contact;
    }

    public static String consentEntry(String id) {
        return LOG + id;
    }

    public static final String CONSENT_ENTRIES = LOG;

    public static String consentEntryIdOf(String sk) {
        return sk.substring(LOG.length());
    }

    public static final String CONSENT_STATE = "STATE";
    public static final String REMINDER = "REMINDER";

    /** GSI1 partition of the tenant's consent ledgers. */
    public static String tenantConsents(TenantId tenant) {
        return TENANT + tenant.value() + "#CONSENTS";
    }

    public static String notification(TenantId tenant, String id) {
        return TENANT + tenant.value() + "#" + NOTIF + id;
    }

    public static final String NOTIFICATION = "NOTIF";

    /** The notification id a {@link #notification} partition key names. */
    public static String notificationIdOf(String pk, TenantId tenant) {
        return pk.substring(notification(tenant, "").length());
    }

    public static String recipient(int index) {
        return TO + "%06d".formatted(index);
    }

    /** The sort key prefix of a notification's recipients. */
    public static final String RECIPIENTS = TO;

    public static boolean isRecipient(String sk) {
        return sk.startsWith(TO);
    }

    public static int recipientIndexOf(String sk) {
        return Integer.parseInt(sk.substring(TO.length()));
    }

    /** The bucketed due indexes (GSI1) of notifications and opt-in reminders. */
    public static String notificationsDue(int bucket) {
        return "NOTIFDUE#" + bucket;
    }

    public static String remindersDue(int bucket) {
        return "REMINDDUE#" + bucket;
    }

    public static String optInLink(String nonce) {
        return "OPTIN#" + nonce;
    }

    public static final String LINK = "LINK";

    // the tenant's life

    public static Map<String, AttributeValue> signupSession(String id) {
        return key("SIGNUP#" + id, "SESSION");
    }

    public static boolean isSignupSession(String pk) {
        return pk.startsWith("SIGNUP#");
    }

    public static Map<String, AttributeValue> offboarding(TenantId tenant) {
        return key("OFFBOARD#" + tenant.value(), "STATE");
    }

    public static boolean isOffboarding(String pk) {
        return pk.startsWith("OFFBOARD#");
    }

    /** GSI1 partition of offboarded tenants waiting for their purge. */
    public static final String PURGE_DUE = "PURGEDUE";

    public static String audit(TenantId tenant) {
        return TENANT + tenant.value() + "#AUDIT";
    }

    public static Map<String, AttributeValue> queueFailure(String queueMessageId) {
        return key(QUEUE_FAILURE + queueMessageId, "FAILURE");
    }

    public static boolean isQueueFailure(String pk) {
        return pk.startsWith(QUEUE_FAILURE);
    }

    public static String queueMessageIdOf(String pk) {
        return pk.substring(QUEUE_FAILURE.length());
    }

    /** Overloads for typed ids. */
    public static String channelContacts(TenantId tenant, PhoneNumberId phoneNumberId) {
        return channelContacts(tenant, phoneNumberId.value());
    }

    public static String conversation(TenantId tenant, PhoneNumberId phoneNumberId, String contactKey) {
        return conversation(tenant, phoneNumberId.value(), contactKey);
    }
}
