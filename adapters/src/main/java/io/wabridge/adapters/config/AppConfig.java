package io.wabridge.adapters.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The one place environment variables are read. A function asks for what it needs while it is being
 * constructed, so a missing variable fails the cold start with a clear message, never a request.
 *
 * <p>On Lambda the values come from {@link System#getenv()}; the local runtime passes each function the
 * environment that {@code template.yaml} gives it, resolved against the local parts. Variables carry
 * names, URLs and ARNs only, never secret values.
 */
public final class AppConfig {

    private final Map<String, String> env;
    /** The variables the code required so far (names only), so a test can hold them against template.yaml. */
    private final java.util.Set<String> required = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private AppConfig(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static AppConfig of(Map<String, String> env) {
        return new AppConfig(env);
    }

    public static AppConfig fromSystem() {
        return new AppConfig(System.getenv());
    }

    public String tableName() {
        return require("TABLE_NAME");
    }

    public String inboundQueueUrl() {
        return require("INBOUND_QUEUE_URL");
    }

    /** The inbound queue's dead-letter queue (the consumer puts a record there itself when it can never be read). */
    public String inboundDeadLetterQueueUrl() {
        return require("INBOUND_DLQ_URL");
    }

    /** The FIFO queue of inbound messages for tenants' bot hooks. */
    public String botQueueUrl() {
        return require("BOT_QUEUE_URL");
    }

    public String outboundQueueUrl() {
        return require("OUTBOUND_QUEUE_URL");
    }

    public String metaAppSecretArn() {
        return require("META_APP_SECRET_ARN");
    }

    public String webhookVerifyTokenArn() {
        return require("WEBHOOK_VERIFY_TOKEN_ARN");
    }

    public String metaAppId() {
        return require("META_APP_ID");
    }

    /** The Facebook Login for Business configuration id of the Embedded Signup flow. */
    public String metaConfigId() {
        return require("META_CONFIG_ID");
    }

    /** {@code tech_provider} or {@code solution_partner}. */
    public io.wabridge.core.channel.ConnectChannel.Mode signupMode() {
        String mode = require("SIGNUP_MODE");
        return switch (mode) {
            case "tech_provider" -> io.wabridge.core.channel.ConnectChannel.Mode.TECH_PROVIDER;
            case "solution_partner" -> io.wabridge.core.channel.ConnectChannel.Mode.SOLUTION_PARTNER;
            default -> throw new IllegalStateException("SIGNUP_MODE must be tech_provider or solution_partner, not " + mode);
        };
    }

    /** Solution Partner mode: the secret holding the partner's system-user token. */
    public Optional<String> partnerSystemUserTokenArn() {
        return optional("PARTNER_SYSTEM_USER_TOKEN_ARN");
    }

    /** Solution Partner mode: the partner's extended credit line id. */
    public Optional<String> partnerCreditLineId() {
        return optional("PARTNER_CREDIT_LINE_ID");
    }

    /** The secret whose value signs signup states. */
    /** The API's public URL (opt-in links point at {@code {PUBLIC_BASE_URL}/optin/{token}}). */
    public String publicBaseUrl() {
        return require("PUBLIC_BASE_URL").replaceAll("/+$", "");
    }

    public String signupStateSecretArn() {
        return require("SIGNUP_STATE_SECRET_ARN");
    }

    /** Where the front end loads Facebook's JS SDK from (the sandbox's stand-in locally). */
    public String facebookSdkUrl() {
        return optional("FACEBOOK_SDK_URL").orElse("https://connect.facebook.net/en_US/sdk.js");
    }

    /** The exact origins whose {@code WA_EMBEDDED_SIGNUP} messages the front end accepts. */
    public java.util.List<String> signupMessageOrigins() {
        return java.util.Arrays.stream(optional("SIGNUP_MESSAGE_ORIGINS").orElse("https://www.facebook.com,https://web.facebook.com")
                .split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The rate card for usage estimates: {@code USAGE_RATE_CARD}, JSON {@code {"currency":"USD","marketing":"0.025",...}}
     * (price per billable message by Meta pricing category), and {@code USAGE_MARKUP_PERCENT}.
     */
    public io.wabridge.core.tenant.Usage.RateCard usageRateCard() {
        if (optional("USAGE_RATE_CARD").isEmpty()) {
            var d = io.wabridge.core.tenant.Usage.RateCard.DEFAULT;
            return new io.wabridge.core.tenant.Usage.RateCard(d.currency(), d.perMessage(),
                    new java.math.BigDecimal(optional("USAGE_MARKUP_PERCENT").orElse("0")));
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(optional("USAGE_RATE_CARD").orElse("{\"currency\":\"USD\"}"));
            java.util.Map<String, java.math.BigDecimal> prices = new java.util.HashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("currency")) {
                    prices.put(e.getKey().toLowerCase(java.util.Locale.ROOT), new java.math.BigDecimal(e.getValue().asText()));
                }
            });
            return new io.wabridge.core.tenant.Usage.RateCard(node.path("currency").asText("USD"), prices,
                    new java.math.BigDecimal(optional("USAGE_MARKUP_PERCENT").orElse("0")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NumberFormatException e) {
            throw new IllegalStateException("USAGE_RATE_CARD must be JSON like {\"currency\":\"USD\",\"marketing\":\"0.025\"} "
                    + "and USAGE_MARKUP_PERCENT a number", e);
        }
    }

    /**
     * The channel health check: {@code HEALTH_RUN_EVERY_MINUTES} (the schedule's interval), each channel checked
     * once per {@code HEALTH_CHECK_PERIOD_MINUTES} (default 1440), tokens refreshed when they expire within
     * {@code TOKEN_REFRESH_HORIZON_DAYS} (default 7), at most {@code HEALTH_WABA_CALLS_PER_HOUR} Graph calls per
     * WABA and hour (default 100, half of Meta's smallest management limit), {@code HEALTH_CONCURRENCY} channels
     * at once (default 8).
     */
    public io.wabridge.core.health.CheckChannelHealth.Settings channelHealth() {
        try {
            return new io.wabridge.core.health.CheckChannelHealth.Settings(
                    java.time.Duration.ofMinutes(number("HEALTH_CHECK_PERIOD_MINUTES", 1440)),
                    java.time.Duration.ofMinutes(Long.parseLong(require("HEALTH_RUN_EVERY_MINUTES"))),
                    java.time.Duration.ofDays(number("TOKEN_REFRESH_HORIZON_DAYS", 7)),
                    (int) number("HEALTH_WABA_CALLS_PER_HOUR", 100), (int) number("HEALTH_CONCURRENCY", 8));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("channel health settings: " + e.getMessage(), e);
        }
    }

    private long number(String name, long otherwise) {
        return optional(name).map(Long::parseLong).orElse(otherwise);
    }

    /** The standard queue of media fetches. */
    public String mediaQueueUrl() {
        return require("MEDIA_QUEUE_URL");
    }

    /** Meta's Graph API host ({@code https://graph.facebook.com} unless set; the local runtime points it at the sandbox). */
    public URI graphApiBaseUrl() {
        return URI.create(optional("GRAPH_API_BASE_URL").orElse("https://graph.facebook.com"));
    }

    /**
     * Whether tenant-supplied URLs (bot hook) may be plain http and reach loopback addresses: only the local
     * runtime sets {@code ALLOW_LOCAL_URLS=true}; off unless set (so always off on AWS).
     */
    public boolean allowLocalUrls() {
        return optional("ALLOW_LOCAL_URLS").map("true"::equalsIgnoreCase).orElse(false);
    }

    /** The Graph API version every call uses, e.g. {@code v25.0}. */
    public String graphApiVersion() {
        return require("GRAPH_API_VERSION");
    }

    /** The private bucket for media bytes and claim-checked webhook payloads. */
    public String mediaBucket() {
        return require("MEDIA_BUCKET");
    }

    /** The EventBridge bus domain events go to. */
    public String eventBusName() {
        return require("EVENT_BUS_NAME");
    }

    /** The KMS key that wraps tenant secrets' data keys. */
    public String tokenKeyArn() {
        return require("TOKEN_KEY_ARN");
    }

    /** The level the Lambda jars log at ({@code LogLevel} parameter; INFO when unset). Read by the logging binding. */
    public Optional<String> logLevel() {
        return optional("LOG_LEVEL");
    }

    /** The deployment stage ({@code dev}, {@code prod}): the {@code Stage} dimension of the metrics. */
    public String stage() {
        return require("STAGE");
    }

    /**
     * The {@code maxReceiveCount} of the redrive policy of the queue this function consumes: a record that fails
     * on that receive is moved to the dead-letter queue.
     */
    public int maxReceiveCount() {
        String value = require("MAX_RECEIVE_COUNT");
        try {
            int count = Integer.parseInt(value.strip());
            if (count < 1) {
                throw new NumberFormatException();
            }
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("MAX_RECEIVE_COUNT must be a positive whole number, not " + value, e);
        }
    }

    /** The JWT claim that carries the tenant id (for example {@code sub} or {@code tenant_id}). */
    public String tenantClaim() {
        return require("TENANT_CLAIM");
    }

    /** The JWT claim that names the tenant's plan for the API rate limits ({@code plan} unless set). */
    public String planClaim() {
        return optional("PLAN_CLAIM").orElse("plan");
    }

    /**
     * {@code API_RATE_LIMITS}: requests per second per tenant by plan, {@code default=20,pro=100:300} ({@code plan=rate[:burst]});
     * empty when unset (no limit).
     */
    public Optional<Map<String, io.wabridge.core.tenant.ApiRateLimit.Plan>> apiRateLimits() {
        return optional("API_RATE_LIMITS").map(spec -> {
            try {
                return io.wabridge.core.tenant.ApiRateLimit.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("API_RATE_LIMITS must be like default=20,pro=100:300 (plan=rate[:burst], "
                        + "a 'default' plan included): " + e.getMessage(), e);
            }
        });
    }

    public String region() {
        return require("AWS_REGION");
    }

    /**
     * Endpoint override for one AWS service, read from the SDK's own variable names
     * ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SQS}, ... or {@code AWS_ENDPOINT_URL}).
     * Empty on AWS.
     */
    public Optional<URI> endpoint(String serviceSuffix) {
        return optional("AWS_ENDPOINT_URL_" + serviceSuffix).or(() -> optional("AWS_ENDPOINT_URL")).map(URI::create);
    }

    /** Explicit credentials when the environment carries them (Lambda does; so does the local runtime). */
    public Optional<String[]> credentials() {
        return optional("AWS_ACCESS_KEY_ID").flatMap(id -> optional("AWS_SECRET_ACCESS_KEY")
                .map(secret -> new String[] {id, secret, env.get("AWS_SESSION_TOKEN")}));
    }

    private Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The names of the variables the code has required so far (read without a default). */
    public java.util.Set<String> requiredVariables() {
        return java.util.Set.copyOf(required);
    }

    private String require(String name) {
        required.add(name);
        return optional(name).orElseThrow(() -> new IllegalStateException(
                "missing environment variable " + name + " (set it on the function in template.yaml)"));
    }

    @Override
    public String toString() {
        return "AppConfig" + env.keySet();
    }
}
