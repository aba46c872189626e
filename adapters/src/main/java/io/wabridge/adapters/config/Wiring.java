package io.wabridge.adapters.config;

import io.wabridge.adapters.aws.DynamoDbSecretStore;
import io.wabridge.adapters.aws.DynamoDbPublishOnceLedger;
import io.wabridge.adapters.aws.EventBridgeDomainEvents;
import io.wabridge.adapters.aws.KmsEnvelopeTokenCipher;
import io.wabridge.adapters.aws.SecretsManagerSecrets;
import io.wabridge.core.inbound.DomainEvents;
import io.wabridge.core.token.CachingTokenCipher;
import io.wabridge.core.token.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sqs.SqsClient;
import io.wabridge.adapters.aws.S3Objects;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

/**
 * Builds every client once per function instance (one Lambda container): one HTTP client
 * implementation, an explicit region and credentials, and the endpoint overrides the configuration
 * names. Clients are created on first use, so a function pays only for the clients it touches.
 */
public final class Wiring {

    /** The longest one Graph API call may take (connect, send, answer); callers that budget time reserve it. */
    public static final Duration GRAPH_TIMEOUT = Duration.ofSeconds(20);

    private final AppConfig config;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    final Lazy<DynamoDbClient> dynamo;
    final Lazy<SqsClient> sqs;
    final Lazy<SecretsManagerClient> secretsClient;
    private final Supplier<SecretsManagerSecrets> secrets;
    final Lazy<KmsClient> kms;
    private final Supplier<TokenVault> tokenVault;
    final Lazy<S3Objects> media;
    private final Supplier<io.wabridge.adapters.meta.GraphClient> graph;
    private final Supplier<io.wabridge.adapters.aws.DynamoDbSettings> settings;
    private final Supplier<io.wabridge.adapters.metrics.EmfMetrics> metrics;

    public Wiring(AppConfig config) {
        this.config = config;
        this.region = Region.of(config.region());
        this.credentials = config.credentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(c[2] == null
                        ? AwsBasicCredentials.create(c[0], c[1])
                        : AwsSessionCredentials.create(c[0], c[1], c[2])))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        this.http = UrlConnectionHttpClient.builder().build();
        this.dynamo = memoize(() -> configure(DynamoDbClient.builder(), "DYNAMODB").build());
        this.sqs = memoize(() -> configure(SqsClient.builder(), "SQS", new io.wabridge.adapters.aws.SqsTracePropagation()).build());
        this.secretsClient = memoize(() -> configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build());
        this.secrets = memoize(() -> new SecretsManagerSecrets(secretsClient.get()));
        this.kms = memoize(() -> configure(KmsClient.builder(), "KMS").build());
        this.media = memoize(() -> {
            // Against a local endpoint: path-style addressing and plain (not aws-chunked) bodies.
            boolean local = config.endpoint("S3").isPresent();
            S3Configuration s3Config = S3Configuration.builder().pathStyleAccessEnabled(local).chunkedEncodingEnabled(!local).build();
            S3Client s3 = configure(S3Client.builder(), "S3").serviceConfiguration(s3Config)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
            var presigner = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().region(region).credentialsProvider(credentials)
                    .serviceConfiguration(s3Config);
            config.endpoint("S3").ifPresent(presigner::endpointOverride);
            return new S3Objects(s3, presigner.build(), config.mediaBucket());
        });
        this.graph = memoize(() -> new io.wabridge.adapters.meta.GraphClient(config.graphApiBaseUrl(), config.graphApiVersion(),
                GRAPH_TIMEOUT));
        this.settings = memoize(() -> new io.wabridge.adapters.aws.DynamoDbSettings(dynamo(), config.tableName(), Clock.systemUTC()));
        this.metrics = memoize(() -> new io.wabridge.adapters.metrics.EmfMetrics(config.stage()));
        this.tokenVault = memoize(() -> new TokenVault(
                new CachingTokenCipher(new KmsEnvelopeTokenCipher(kms(), config.tokenKeyArn()), Duration.ofMinutes(5), 10_000, Clock.systemUTC()),
                new DynamoDbSecretStore(dynamo(), config.tableName())));
    }

    /**
     * The wiring of a Lambda container (every handler's no-arg constructor): the environment's configuration,
     * and the SnapStart hooks that prime what the handler built before the snapshot ({@link SnapStartPriming}).
     */
    public static Wiring fromSystem() {
        Wiring wiring = new Wiring(AppConfig.fromSystem());
        SnapStartPriming.register(wiring);
        return wiring;
    }

    public AppConfig config() {
        return config;
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public SqsClient sqs() {
        return sqs.get();
    }

    public SecretsManagerSecrets secrets() {
        return secrets.get();
    }

    public KmsClient kms() {
        return kms.get();
    }

    /** Meta's Graph API at the configured host and version. */
    public io.wabridge.adapters.meta.GraphClient graph() {
        return graph.get();
    }

    /** The media/payload bucket ({@code MEDIA_BUCKET}). */
    public S3Objects media() {
        return media.get();
    }

    /** Domain events to the stack's EventBridge bus, published once each (the publish-once ledger in the table). */
    public DomainEvents domainEvents() {
        URI endpoint = config.endpoint("EVENTBRIDGE").orElse(URI.create("https://events." + region.id() + ".amazonaws.com"));
        return DomainEvents.of(new EventBridgeDomainEvents(http, credentials, region.id(), endpoint, config.eventBusName()),
                new DynamoDbPublishOnceLedger(dynamo(), config.tableName(), Clock.systemUTC()));
    }

    /**
     * The tenant token vault: envelope encryption under {@code TOKEN_KEY_ARN}, decrypted secrets cached for
     * five minutes (at most 10,000 of them), records in the table.
     */
    public TokenVault tokenVault() {
        return tokenVault.get();
    }

    /** Metrics in CloudWatch Embedded Metric Format; the handler flushes them at the end of each invocation. */
    public io.wabridge.adapters.metrics.EmfMetrics metrics() {
        return metrics.get();
    }

    /** Tenant settings (its {@code cached} view serves hot paths). */
    public io.wabridge.adapters.aws.DynamoDbSettings settings() {
        return settings.get();
    }

    /**
     * A client's region, credentials, HTTP client, endpoint and interceptors: the priming dry run, then any given. (One
     * {@code overrideConfiguration} call: a second one would replace the first, dropping its interceptors.)
     */
    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B configure(B builder, String service,
                                                                                         software.amazon.awssdk.core.interceptor.ExecutionInterceptor... more) {
        builder.region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(o -> {
                    o.addExecutionInterceptor(SnapStartPriming.DRY_RUN);
                    for (var interceptor : more) {
                        o.addExecutionInterceptor(interceptor);
                    }
                });
        Optional<URI> endpoint = config.endpoint(service);
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * The factory is a {@code Supplier<Object>} on purpose: a lambda typed with an SDK client class would load
     * that class when the wiring is created, and a function's jar holds only the SDK modules it uses.
     */
    private static <T> Lazy<T> memoize(Supplier<Object> factory) {
        return new Lazy<>(factory);
    }

    /** Built on first use, once; {@link #built()} tells the priming which clients this function uses. */
    static final class Lazy<T> implements Supplier<T> {
        private final Supplier<Object> factory;
        private volatile T value;

        Lazy(Supplier<Object> factory) {
            this.factory = factory;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        value = v = (T) factory.get();
                    }
                }
            }
            return v;
        }

        /** The value if it was built, else null (never builds it). */
        T built() {
            return value;
        }
    }
}
