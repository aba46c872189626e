package io.wabridge.adapters.config;

import io.wabridge.adapters.aws.S3Objects;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.adapters.meta.MetaWebhookParser;
import io.wabridge.core.random.Entropy;
import io.wabridge.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Lambda SnapStart runtime hooks (the CRaC API, {@code org.crac}), registered once per container by
 * {@link Wiring#fromSystem()}, so every handler gets them and none repeats them.
 *
 * <p>Before the snapshot, it loads and initialises what the first request would otherwise pay for, with dummy
 * data and no side effect: the JSON codecs, the webhook signature (HMAC-SHA256) and AES-GCM code, and, for each
 * SDK client the handler built while it was constructed, one request marshalled, endpoint-resolved and signed
 * but stopped before it is sent ({@link #DRY_RUN}); DynamoDB gets one real read of a key that does not exist,
 * which also loads the HTTP client's and the response parser's classes. After a restore, it renews the random
 * generator ({@link Entropy}), since every environment restored from the snapshot would otherwise share its state.
 * Credentials need nothing: on SnapStart the SDK's default chain reads them from the container endpoint Lambda
 * provides after the restore, and refreshes them by their expiry.
 *
 * <p>A JVM without CRaC (every local run) never calls the hooks; {@link #simulateSnapshot()} runs them as
 * Lambda would, for the cold-start benchmark and the Lambda jar test.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);

    /** CRaC holds resources weakly; these are the strong references (one per container in practice). */
    private static final List<SnapStartPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private static final ThreadLocal<Boolean> DRY = ThreadLocal.withInitial(() -> false);
    private static final java.util.concurrent.atomic.AtomicLong STOPPED = new java.util.concurrent.atomic.AtomicLong();

    /** Added to every SDK client: stops a request before it is sent while this thread is priming. */
    static final ExecutionInterceptor DRY_RUN = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                       ExecutionAttributes attributes) {
            if (DRY.get()) {
                STOPPED.incrementAndGet();
                throw new DryRunStop();
            }
        }
    };

    /**
     * Runs {@code requests} with every SDK request on this thread marshalled, signed and then stopped before it
     * is sent (the SDK does not retry the stop).
     */
    static void dryRun(Runnable requests) {
        DRY.set(true);
        try {
            requests.run();
        } catch (RuntimeException e) {
            if (!(e instanceof DryRunStop) && !(e.getCause() instanceof DryRunStop)) {
                throw e;
            }
        } finally {
            DRY.remove();
        }
    }

    /** How many requests the dry runs stopped (for tests). */
    static long stoppedRequests() {
        return STOPPED.get();
    }

    /** Thrown instead of sending a priming request; never retried, never seen outside priming. */
    static final class DryRunStop extends RuntimeException {
        DryRunStop() {
            super("priming request stopped before it was sent", null, false, false);
        }
    }

    private final Wiring wiring;

    private SnapStartPriming(Wiring wiring) {
        this.wiring = wiring;
    }

    static void register(Wiring wiring) {
        SnapStartPriming priming = new SnapStartPriming(wiring);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /**
     * Runs the hooks of every registered wiring as Lambda does around a snapshot (before, then after), and
     * returns the milliseconds the priming took. For local measurements and tests: this JVM has no CRaC.
     */
    public static long simulateSnapshot() throws Exception {
        long started = System.nanoTime();
        for (SnapStartPriming p : REGISTERED) {
            p.beforeCheckpoint(null);
        }
        long primed = (System.nanoTime() - started) / 1_000_000;
        for (SnapStartPriming p : REGISTERED) {
            p.afterRestore(null);
        }
        return primed;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        step("json", SnapStartPriming::json);
        step("crypto", SnapStartPriming::crypto);
        // Each client only if the handler built it; the raw null checks load no class of an SDK module the jar lacks.
        if (wiring.dynamo.built() != null) {
            step("dynamodb", () -> SdkPriming.dynamo(wiring));
        }
        if (wiring.sqs.built() != null) {
            step("sqs", () -> dryRun(() -> SdkPriming.sqs(wiring)));
        }
        if (wiring.kms.built() != null) {
            step("kms", () -> dryRun(() -> SdkPriming.kms(wiring)));
        }
        if (wiring.secretsClient.built() != null) {
            step("secretsmanager", () -> dryRun(() -> SdkPriming.secrets(wiring)));
        }
        if (wiring.media.built() != null) {
            step("s3", () -> dryRun(() -> SdkPriming.s3(wiring)));
        }
        log.info("primed before the snapshot in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        Entropy.renew();
    }

    /** One priming step; a failure is logged and never stops the snapshot (the request path still works). */
    private static void step(String name, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.info("priming step {} skipped: {}", name, e.getClass().getSimpleName());
        }
    }

    private static void json() {
        HttpResponses.json(200, Map.of("priming", List.of(1, "a", true)));
        new MetaWebhookParser().split(("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"0\",\"changes\":[{\"field\":"
                + "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"0\"},\"messages\":[{\"from\":\"0\",\"id\":\"wamid.priming\","
                + "\"type\":\"text\",\"text\":{\"body\":\"\"}}]}}]}]}").getBytes(StandardCharsets.UTF_8));
    }

    private static void crypto() {
        byte[] body = "priming".getBytes(StandardCharsets.UTF_8);
        WebhookSignature signature = WebhookSignature.withSecret("priming");
        signature.isValid(signature.sign(body), body);
        try {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
            aes.updateAAD(body);
            aes.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kept apart so that a jar without an SDK module never loads its classes (each runs only if built). */
    private static final class SdkPriming {
        /** A real read of a key nothing writes: also loads the HTTP client's and the response parser's classes. */
        static void dynamo(Wiring wiring) {
            wiring.dynamo.get().getItem(r -> r.tableName(wiring.config().tableName()).key(Map.of(
                    "PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("PRIMING"),
                    "SK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("PRIMING"))));
        }

        static void sqs(Wiring wiring) {
            wiring.sqs.get().sendMessage(r -> r.queueUrl("https://sqs." + wiring.config().region() + ".amazonaws.com/000000000000/priming")
                    .messageBody("priming"));
        }

        static void kms(Wiring wiring) {
            wiring.kms.get().generateDataKey(r -> r.keyId("alias/priming").keySpec("AES_256")
                    .encryptionContext(Map.of("tenantId", "priming")));
        }

        static void secrets(Wiring wiring) {
            wiring.secretsClient.get().getSecretValue(r -> r.secretId("priming"));
        }

        static void s3(Wiring wiring) {
            S3Objects media = wiring.media.get();
            media.link("priming/object", Duration.ofMinutes(1));
            media.put("priming/object", new byte[] {0}, "application/octet-stream");
        }
    }
}
