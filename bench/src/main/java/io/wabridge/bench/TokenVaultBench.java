package io.wabridge.bench;

import io.wabridge.adapters.aws.DynamoDbSecretStore;
import io.wabridge.adapters.aws.KmsEnvelopeTokenCipher;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.token.CachingTokenCipher;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import io.wabridge.localaws.LocalAwsParts;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * KMS calls per 10,000 sends with the token cache, and what a cache miss costs against the local key
 * service. Each "send" reads one channel's business token from the vault, as the sender will.
 */
final class TokenVaultBench {

    private TokenVaultBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int channels = Integer.parseInt(flags.getOrDefault("channels", "100"));
        int sends = Integer.parseInt(flags.getOrDefault("sends", "10000"));
        try (LocalAwsParts parts = LocalAwsParts.start(null)) {
            String key = parts.kms().ensureKey(UUID.randomUUID().toString(), "bench");
            String table = "bench";
            Map<String, String> env = Map.of("AWS_REGION", LocalAwsParts.REGION, "AWS_ACCESS_KEY_ID", "local",
                    "AWS_SECRET_ACCESS_KEY", "local", "AWS_ENDPOINT_URL_DYNAMODB", parts.dynamo().endpoint().toString(),
                    "AWS_ENDPOINT_URL_KMS", parts.json().endpoint().toString(), "TOKEN_KEY_ARN", key, "TABLE_NAME", table);
            Wiring wiring = new Wiring(AppConfig.of(env));
            wiring.dynamo().createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("SK").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH), k -> k.attributeName("SK").keyType(KeyType.RANGE)));
            DynamoDbSecretStore store = new DynamoDbSecretStore(wiring.dynamo(), table);
            KmsEnvelopeTokenCipher kms = new KmsEnvelopeTokenCipher(wiring.kms(), key);
            TokenVault writer = new TokenVault(kms, store);
            SecretContext[] contexts = new SecretContext[channels];
            for (int c = 0; c < channels; c++) {
                contexts[c] = new SecretContext("tenant-" + c, Long.toString(100000000000000L + c), SecretField.BUSINESS_TOKEN);
                writer.put(contexts[c], SecretValue.of("EAAG-bench-token-" + c));
            }
            CachingTokenCipher cache = new CachingTokenCipher(kms, Duration.ofMinutes(5), 10_000, Clock.systemUTC());
            TokenVault sender = new TokenVault(cache, store);
            // Warm the JVM and clients on another key space first, so the figures are of steady state.
            for (int i = 0; i < 200; i++) {
                kms.decrypt(contexts[i % channels], store.get(contexts[i % channels]).orElseThrow());
            }
            long decryptsBefore = parts.kms().calls("Decrypt");
            long[] latency = new long[sends];
            for (int s = 0; s < sends; s++) {
                long t0 = System.nanoTime();
                sender.reveal(contexts[s % channels]).orElseThrow();
                latency[s] = System.nanoTime() - t0;
            }
            long kmsCalls = parts.kms().calls("Decrypt") - decryptsBefore;
            long hits = cache.hits();
            long misses = cache.misses();

            int samples = 500;
            long[] miss = new long[samples];
            long[] hit = new long[samples];
            var stored = store.get(contexts[0]).orElseThrow();
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                kms.decrypt(contexts[0], stored);
                miss[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                cache.decrypt(contexts[0], stored);
                hit[i] = System.nanoTime() - t0;
            }
            System.out.printf("token vault, %d channels, %d sends (each reads its channel's token through the vault)%n", channels, sends);
            System.out.printf("  KMS Decrypt calls: %d per %d sends (%.1f%% cache hits: %d hits, %d misses)%n",
                    kmsCalls, sends, 100.0 * hits / (hits + misses), hits, misses);
            System.out.printf("  send-side vault read (table read + cache): p50 %.3f ms, p99 %.3f ms%n", pct(latency, 50), pct(latency, 99));
            System.out.printf("  decrypt, cache miss (local KMS Decrypt + AES-GCM): p50 %.3f ms, p99 %.3f ms%n", pct(miss, 50), pct(miss, 99));
            System.out.printf("  decrypt, cache hit: p50 %.4f ms, p99 %.4f ms%n", pct(hit, 50), pct(hit, 99));
            System.out.printf("  added latency of a miss: %.3f ms (p50)%n", pct(miss, 50) - pct(hit, 50));
        }
    }

    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
