package io.wabridge.adapters.config;

import io.wabridge.adapters.aws.DynamoDbApiRateCounter;
import io.wabridge.adapters.aws.DynamoDbCallBudget;
import io.wabridge.adapters.aws.DynamoDbChannels;
import io.wabridge.adapters.aws.DynamoDbConsentLedger;
import io.wabridge.adapters.aws.DynamoDbContactData;
import io.wabridge.adapters.aws.DynamoDbContactIds;
import io.wabridge.adapters.aws.DynamoDbConversations;
import io.wabridge.adapters.aws.DynamoDbFailureLog;
import io.wabridge.adapters.aws.DynamoDbHealthLeases;
import io.wabridge.adapters.aws.DynamoDbInboundStore;
import io.wabridge.adapters.aws.DynamoDbMessageHistory;
import io.wabridge.adapters.aws.DynamoDbNotifications;
import io.wabridge.adapters.aws.DynamoDbOutbox;
import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.adapters.aws.DynamoDbSecretStore;
import io.wabridge.adapters.aws.DynamoDbSendPacer;
import io.wabridge.adapters.aws.DynamoDbSettings;
import io.wabridge.adapters.aws.DynamoDbSignupSessions;
import io.wabridge.adapters.aws.DynamoDbTemplates;
import io.wabridge.adapters.aws.DynamoDbTenantPurge;
import io.wabridge.adapters.aws.DynamoDbUsage;
import io.wabridge.adapters.aws.KmsEnvelopeTokenCipher;
import io.wabridge.adapters.aws.S3Objects;
import io.wabridge.adapters.aws.SqsBotJobs;
import io.wabridge.adapters.aws.SqsDeadLetterQueue;
import io.wabridge.adapters.aws.SqsInboundQueue;
import io.wabridge.adapters.aws.SqsMediaJobs;
import io.wabridge.adapters.aws.SqsOutboundQueue;
import io.wabridge.adapters.aws.SqsVisibility;
import io.wabridge.adapters.http.HttpBotHook;
import io.wabridge.adapters.http.TenantUrlPolicy;
import io.wabridge.adapters.lambda.TenantGate;
import io.wabridge.adapters.meta.GraphChannelCalls;
import io.wabridge.adapters.meta.GraphMediaSource;
import io.wabridge.adapters.meta.GraphMessages;
import io.wabridge.adapters.meta.GraphOnboarding;
import io.wabridge.adapters.meta.GraphTemplates;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.adapters.metrics.EmfMetrics;
import io.wabridge.core.channel.ApplyAccountEvent;
import io.wabridge.core.channel.ConnectChannel;
import io.wabridge.core.channel.SignupState;
import io.wabridge.core.consent.CanSend;
import io.wabridge.core.consent.CheckCanSend;
import io.wabridge.core.consent.ConsentLedger;
import io.wabridge.core.consent.InboundConsent;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.consent.OptInReminders;
import io.wabridge.core.consent.PersonLedger;
import io.wabridge.core.consent.RecordConsent;
import io.wabridge.core.health.CheckChannelHealth;
import io.wabridge.core.inbound.ProcessInboundUpdate;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.media.FetchMedia;
import io.wabridge.core.notify.RunDueNotifications;
import io.wabridge.core.notify.ScheduleNotification;
import io.wabridge.core.send.AcceptSend;
import io.wabridge.core.send.AnswerWithBot;
import io.wabridge.core.send.DeliverSend;
import io.wabridge.core.send.ReleaseHeld;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import io.wabridge.core.tenant.ContactPrivacy;
import io.wabridge.core.tenant.Handoff;
import io.wabridge.core.tenant.OffboardTenant;
import io.wabridge.core.tenant.PurgeOffboardedTenants;
import io.wabridge.core.tenant.TemplateCatalog;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.tenant.UpdateSettings;
import io.wabridge.core.tenant.Usage;
import io.wabridge.core.token.ReEncryptSecrets;
import io.wabridge.core.token.TokenVault;
import io.wabridge.core.webhook.ReceiveWebhook;
import io.wabridge.core.webhook.VerifyChallenge;
import io.wabridge.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The composition root: every adapter and use case of a function, each built once, on first use, from the SDK
 * clients {@link Wiring} holds. A handler's Lambda constructor takes {@link #fromEnvironment()}; the local runtime
 * passes its own (one per function, as Lambda has one per container). Nothing else calls {@code new} on an adapter.
 */
public final class Components {

    /** How long an opt-in link in a fallback event can be used. */
    public static final Duration OPT_IN_LINK_TTL = Duration.ofDays(7);

    private final Wiring wiring;
    private final AppConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Object> built = new HashMap<>();

    public Components(Wiring wiring) {
        this.wiring = wiring;
        this.config = wiring.config();
    }

    /** The components of a Lambda container: the environment's configuration and its SnapStart hooks. */
    public static Components fromEnvironment() {
        return new Components(Wiring.fromSystem());
    }

    /**
     * The value built once under {@code name}. Synchronised and reentrant (builders call builders); a plain map,
     * because {@code computeIfAbsent} refuses recursive builds.
     */
    @SuppressWarnings("unchecked")
    private synchronized <T> T once(String name, Supplier<T> build) {
        Object value = built.get(name);
        if (value == null) {
            value = build.get();
            built.put(name, value);
        }
        return (T) value;
    }

    public AppConfig config() {
        return config;
    }

    public Wiring wiring() {
        return wiring;
    }

    private String table() {
        return config.tableName();
    }

    // ---- adapters ----

    public EmfMetrics metrics() {
        return wiring.metrics();
    }

    public TokenVault tokenVault() {
        return wiring.tokenVault();
    }

    public DynamoDbSettings settings() {
        return wiring.settings();
    }

    /** The media/payload bucket, built on first use. */
    public S3Objects media() {
        return wiring.media();
    }

    public io.wabridge.core.inbound.DomainEvents domainEvents() {
        return once("domainEvents", wiring::domainEvents);
    }

    public DynamoDbChannels channels() {
        return once("channels", () -> new DynamoDbChannels(wiring.dynamo(), table()));
    }

    public DynamoDbOutbox outbox() {
        return once("outbox", () -> new DynamoDbOutbox(wiring.dynamo(), table(), clock));
    }

    public SqsOutboundQueue outboundQueue() {
        return once("outboundQueue", () -> new SqsOutboundQueue(wiring.sqs(), config.outboundQueueUrl()));
    }

    public DynamoDbNotifications notifications() {
        return once("notifications", () -> new DynamoDbNotifications(wiring.dynamo(), table()));
    }

    public DynamoDbContactIds contactIds() {
        return once("contactIds", () -> new DynamoDbContactIds(wiring.dynamo(), table()));
    }

    public DynamoDbContactData contactData() {
        return once("contactData", () -> new DynamoDbContactData(wiring.dynamo(), table(), wiring::media));
    }

    public DynamoDbTenantPurge tenantPurge() {
        return once("tenantPurge", () -> new DynamoDbTenantPurge(wiring.dynamo(), table(), contactData()));
    }

    public DynamoDbMessageHistory messageHistory() {
        return once("messageHistory", () -> new DynamoDbMessageHistory(wiring.dynamo(), table(), wiring::media));
    }

    public DynamoDbInboundStore inboundStore() {
        return once("inboundStore", () -> new DynamoDbInboundStore(wiring.dynamo(), table(), clock, wiring::media));
    }

    public DynamoDbFailureLog failureLog() {
        return once("failureLog", () -> new DynamoDbFailureLog(wiring.dynamo(), table(), clock));
    }

    public DynamoDbRouting routing() {
        return once("routing", () -> new DynamoDbRouting(wiring.dynamo(), table(), clock));
    }

    /** The inbound queue (a whole delivery split into its updates goes back on it), built on first use. */
    public SqsInboundQueue inboundQueue() {
        return once("inboundQueue", () -> new SqsInboundQueue(wiring.sqs(), config.inboundQueueUrl(), wiring::media));
    }

    public SqsDeadLetterQueue inboundDeadLetters() {
        return once("inboundDeadLetters", () -> new SqsDeadLetterQueue(wiring.sqs(), config.inboundDeadLetterQueueUrl()));
    }

    /** Retry delays of received records of the queue at {@code queueUrl}. */
    public SqsVisibility visibility(String queueUrl) {
        return once("visibility " + queueUrl, () -> new SqsVisibility(wiring.sqs(), queueUrl));
    }

    public MetaWebhookParser webhookParser() {
        return once("webhookParser", MetaWebhookParser::new);
    }

    /** Read receipts and media uploads on a channel's number, with its business token. */
    public GraphChannelCalls channelCalls() {
        return once("channelCalls", () -> new GraphChannelCalls(wiring.graph(), tokenVault()));
    }

    /**
     * Meta's onboarding and token calls with the app's credentials ({@code META_APP_ID}, the secret at
     * {@code META_APP_SECRET_ARN}, read once) and, in Solution Partner mode, the partner's system-user token.
     */
    public GraphOnboarding metaOnboarding() {
        return once("metaOnboarding", () -> new GraphOnboarding(wiring.graph(), config.metaAppId(),
                () -> wiring.secrets().get(config.metaAppSecretArn()),
                config.partnerSystemUserTokenArn().<Supplier<String>>map(arn -> () -> wiring.secrets().get(arn)).orElse(null),
                config.partnerCreditLineId().orElse(null)));
    }

    /** The one policy for tenant-supplied URLs (https, no internal address; http and loopback locally). */
    public TenantUrlPolicy tenantUrls() {
        return once("tenantUrls", () -> new TenantUrlPolicy(config.allowLocalUrls()));
    }

    /** From {@code TENANT_CLAIM}, {@code PLAN_CLAIM} and {@code API_RATE_LIMITS}, counting in the table. */
    public TenantGate tenantGate() {
        return once("tenantGate", () -> new TenantGate(config.tenantClaim(), config.planClaim(), config.apiRateLimits()
                .map(plans -> new io.wabridge.core.tenant.ApiRateLimit(plans, new DynamoDbApiRateCounter(wiring.dynamo(), table(), clock)))
                .orElse(null)));
    }

    /** A signed, time-limited download link of a key in the media bucket. */
    public String mediaLink(String key, Duration ttl) {
        return media().link(key, ttl).toString();
    }

    // ---- consent ----

    /** The consent ledger in the table, read per person (every id of the contact). */
    public ConsentLedger consentLedger() {
        return once("consentLedger", () -> new PersonLedger(new DynamoDbConsentLedger(wiring.dynamo(), table()), contactIds()));
    }

    /** Signs signup states and opt-in links (each with its own prefix); from {@code SIGNUP_STATE_SECRET_ARN}, read once. */
    private byte[] stateKey() {
        return once("stateKey", () -> wiring.secrets().get(config.signupStateSecretArn()).getBytes(StandardCharsets.UTF_8));
    }

    /** Signed opt-in links, kept in the table. */
    public OptInLinks optInLinks() {
        return once("optInLinks", () -> new OptInLinks(stateKey(), notifications(), consentLedger(), clock));
    }

    /** The public opt-in page of a link token. */
    public Function<String, String> optInLinkUrl() {
        return token -> config.publicBaseUrl() + "/optin/" + token;
    }

    /** A tenant's settings (at most 30 seconds old), or the defaults. */
    public TenantSettings cachedSettings(TenantId tenant) {
        return settings().cached(tenant).orElse(TenantSettings.defaults());
    }

    /** A tenant's opt-in policy, from its settings (at most 30 seconds old). */
    public CanSend.Policy consentPolicy(TenantId tenant) {
        TenantSettings s = cachedSettings(tenant);
        return new CanSend.Policy(s.optInForUtility(), s.optInForMarketing());
    }

    /**
     * Sends a consent confirmation or opt-in reminder (text, inside the window) through the send path; a
     * refusal (say, the window closed meanwhile) is logged, not retried.
     */
    public void consentReply(TenantId tenant, String phoneNumberId, String to, String text, String idempotencyKey) {
        try {
            acceptSend().accept(new SendRequest(tenant, phoneNumberId, to, new io.wabridge.core.send.OutboundContent.Text(text, null), null, idempotencyKey));
        } catch (SendRejected refused) {
            LoggerFactory.getLogger(Components.class).info("consent message not sent on channel {}: {}", phoneNumberId, refused.code());
        }
    }

    public RecordConsent recordConsent() {
        return once("recordConsent", () -> new RecordConsent(consentLedger(), clock));
    }

    public ContactPrivacy contactPrivacy() {
        return once("contactPrivacy", () -> new ContactPrivacy(channels(), contactData(), consentLedger(), clock));
    }

    // ---- sending ----

    /** The one send policy: the send path and {@code GET /v1/contacts/{contact}/can-send} both decide through it. */
    public CheckCanSend sendPolicy() {
        return once("sendPolicy", () -> new CheckCanSend(consentLedger(), outbox(), channels(), this::consentPolicy, clock));
    }

    /** Accepts sends as the send API does (window, templates, consent) and queues them on {@code OUTBOUND_QUEUE_URL}. */
    public AcceptSend acceptSend() {
        return once("acceptSend", () -> new AcceptSend(channels(), outbox(), sendPolicy(), outbox(), outboundQueue(), clock));
    }

    /** A reinstated channel's held sends go back on the outbound queue. */
    public ReleaseHeld releaseHeld() {
        return once("releaseHeld", () -> new ReleaseHeld(outbox(), outboundQueue(), clock));
    }

    public DeliverSend deliverSend() {
        return once("deliverSend", () -> new DeliverSend(outbox(), channels(), tokenVault(), new GraphMessages(wiring.graph()),
                new DynamoDbSendPacer(wiring.dynamo(), table(), clock), domainEvents(),
                SqsInboundQueue.backlog(wiring.sqs(), config.inboundQueueUrl()), clock));
    }

    public ScheduleNotification scheduleNotification() {
        return once("scheduleNotification", () -> new ScheduleNotification(channels(), outbox(), notifications(), clock));
    }

    public RunDueNotifications runDueNotifications() {
        return once("runDueNotifications", () -> new RunDueNotifications(notifications(), acceptSend(), optInLinks(), optInLinkUrl(),
                domainEvents(), OPT_IN_LINK_TTL, clock));
    }

    public OptInReminders optInReminders() {
        return once("optInReminders", () -> new OptInReminders(notifications(), consentLedger(), outbox(),
                t -> settings().get(t).orElse(TenantSettings.defaults()), this::consentReply, optInLinks(), optInLinkUrl(),
                domainEvents(), clock));
    }

    // ---- tenant ----

    public Handoff handoff() {
        return once("handoff", () -> new Handoff(new DynamoDbConversations(wiring.dynamo(), table()), domainEvents(), clock));
    }

    public Usage usage() {
        return once("usage", () -> new Usage(new DynamoDbUsage(wiring.dynamo(), table()), config.usageRateCard()));
    }

    public TemplateCatalog templateCatalog() {
        return once("templateCatalog", () -> new TemplateCatalog(channels(), tokenVault(), new GraphTemplates(wiring.graph()),
                new DynamoDbTemplates(wiring.dynamo(), table(), clock)));
    }

    public UpdateSettings updateSettings() {
        return once("updateSettings", () -> new UpdateSettings(settings(), tokenVault(), clock, tenantUrls()));
    }

    public PurgeOffboardedTenants purgeOffboardedTenants() {
        return once("purgeOffboardedTenants", () -> new PurgeOffboardedTenants(tenantPurge(), contactData(), clock));
    }

    public OffboardTenant offboardTenant() {
        return once("offboardTenant", () -> new OffboardTenant(channels(), (t, pn) -> connectChannel().disconnect(t, pn, false), tokenVault(),
                tenantPurge(), contactData(), clock));
    }

    // ---- channels ----

    public ConnectChannel connectChannel() {
        return once("connectChannel", () -> new ConnectChannel(new SignupState(stateKey()),
                new DynamoDbSignupSessions(wiring.dynamo(), table()), metaOnboarding(), routing(), channels(), tokenVault(), domainEvents(),
                config.signupMode(), clock, releaseHeld()));
    }

    /** Meta's account and number events acting on channels; a reinstated channel's held sends go back on the outbound queue. */
    public ApplyAccountEvent accountEvents() {
        return once("accountEvents", () -> new ApplyAccountEvent(channels(), domainEvents(), releaseHeld(), clock));
    }

    public CheckChannelHealth checkChannelHealth() {
        return once("checkChannelHealth", () -> new CheckChannelHealth(channels(), tokenVault(), metaOnboarding(),
                new DynamoDbCallBudget(wiring.dynamo(), table()), new DynamoDbHealthLeases(wiring.dynamo(), table()), domainEvents(),
                config.channelHealth(), clock));
    }

    /** Re-encrypts every stored secret under the KMS key {@code targetKeyArn}. */
    public ReEncryptSecrets reEncryptSecretsTo(String targetKeyArn) {
        return new ReEncryptSecrets(new DynamoDbSecretStore(wiring.dynamo(), table()), new KmsEnvelopeTokenCipher(wiring.kms(), targetKeyArn),
                targetKeyArn);
    }

    // ---- inbound ----

    public VerifyChallenge verifyChallenge() {
        return once("verifyChallenge", () -> new VerifyChallenge(wiring.secrets().get(config.webhookVerifyTokenArn())));
    }

    /** The payload bucket is checked at cold start, its client built only for the first oversized update. */
    public ReceiveWebhook receiveWebhook() {
        return once("receiveWebhook", () -> {
            config.mediaBucket();
            return new ReceiveWebhook(WebhookSignature.withSecret(wiring.secrets().get(config.metaAppSecretArn())), webhookParser(),
                    new SqsInboundQueue(wiring.sqs(), config.inboundQueueUrl(), wiring::media), metrics());
        });
    }

    public ProcessInboundUpdate processInboundUpdate() {
        return once("processInboundUpdate", () -> new ProcessInboundUpdate(routing(), inboundStore(), domainEvents(),
                new SqsMediaJobs(wiring.sqs(), config.mediaQueueUrl()), new SqsBotJobs(wiring.sqs(), config.botQueueUrl(), settings()::cached),
                new InboundConsent(consentLedger(), this::cachedSettings, this::consentReply, notifications(), clock), accountEvents(),
                contactIds()));
    }

    public FetchMedia fetchMedia() {
        return once("fetchMedia", () -> new FetchMedia(tokenVault(), new GraphMediaSource(wiring.graph()), media(), inboundStore(), clock));
    }

    public AnswerWithBot answerWithBot() {
        return once("answerWithBot", () -> new AnswerWithBot(settings(), tokenVault(), messageHistory(), new HttpBotHook(clock, tenantUrls()),
                acceptSend(), domainEvents(), handoff()));
    }
}
