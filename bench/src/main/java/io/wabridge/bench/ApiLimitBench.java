package io.wabridge.bench;

import io.wabridge.adapters.aws.DynamoDbApiRateCounter;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.ApiRateLimit;
import io.wabridge.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * What the per-tenant API rate limit costs a request: the latency of its one conditional UpdateItem
 * ({@link DynamoDbApiRateCounter#take}) against the local runtime's DynamoDB, next to a whole
 * {@code GET /v1/whoami} through the local gateway, JWT check and handler (which includes that UpdateItem).
 * Sequential calls, p50/p99; local figures (the local DynamoDB on this machine), not a Lambda's to DynamoDB.
 */
final class ApiLimitBench {

    private ApiLimitBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int requests = Integer.parseInt(flags.getOrDefault("requests", "2000"));
        Path data = Files.createTempDirectory("wabridge-bench");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("template.yaml"), null)
                .withParameters(Map.of("ApiRateLimits", "default=100000")))) {
            String table = runtime.function("ApiFunction").definition().environment().get("TABLE_NAME");
            DynamoDbApiRateCounter counter = new DynamoDbApiRateCounter(runtime.dynamo(), table, Clock.systemUTC());
            ApiRateLimit.Plan plan = new ApiRateLimit.Plan("default", 100_000, 100_000);
            TenantId tenant = new TenantId("bench-counter");
            long[] take = time(requests, () -> counter.take(tenant, plan));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest whoami = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/whoami"))
                    .header("authorization", "Bearer " + runtime.token("bench-http", Duration.ofHours(1))).GET().build();
            long[] call = time(requests, () -> {
                try {
                    HttpResponse<Void> r = http.send(whoami, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("whoami answered " + r.statusCode());
                    }
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            System.out.printf("rate limit UpdateItem (local DynamoDB): p50 %.2f ms, p99 %.2f ms over %d calls%n",
                    ms(take, 0.50), ms(take, 0.99), requests);
            System.out.printf("GET /v1/whoami through the local gateway (JWT, limit, handler): p50 %.2f ms, p99 %.2f ms%n",
                    ms(call, 0.50), ms(call, 0.99));
        }
    }

    /** Nanoseconds per call after a warm-up of a tenth as many, sorted. */
    static long[] time(int n, Runnable call) {
        for (int i = 0; i < n / 10; i++) {
            call.run();
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            call.run();
            out[i] = System.nanoTime() - start;
        }
        Arrays.sort(out);
        return out;
    }

    static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }
}
