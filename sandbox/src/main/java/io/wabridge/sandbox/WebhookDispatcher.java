package io.wabridge.sandbox;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks as Meta does: POSTs of {@code {"object":"whatsapp_business_account","entry":[...]}}
 * signed with {@code X-Hub-Signature-256} over the exact bytes sent, several updates batched per POST,
 * retried with backoff on anything but 200 (Meta retries for 7 days; here the schedule is compressed),
 * and, when asked, duplicated, reordered or delayed.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** How deliveries misbehave; all off by default. */
    public record Chaos(double duplicateProbability, boolean reorder, long extraDelayMillis) {
        public static final Chaos NONE = new Chaos(0, false, 0);
    }

    /** One POST and what became of it. */
    public static final class Delivery {
        public final long id;
        public final String url;
        public final byte[] body;
        public final int updates;
        public final List<Integer> statuses = new CopyOnWriteArrayList<>();
        public volatile boolean delivered;
        public final boolean duplicate;

        Delivery(long id, String url, byte[] body, int updates, boolean duplicate) {
            this.id = id;
            this.url = url;
            this.body = body;
            this.updates = updates;
            this.duplicate = duplicate;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** {@code time}: the entry's Unix time, which Meta sets on every field but {@code messages}; null there. */
    private record Pending(String url, String wabaId, Map<String, Object> change, Long time) {}

    private final String appSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("sandbox-webhooks").factory());
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile int maxUpdatesPerPost = 1000;
    private volatile long retryBaseMillis = 100;
    private volatile int maxAttempts = 8;
    private volatile Chaos chaos = Chaos.NONE;

    public WebhookDispatcher(String appSecret) {
        this.appSecret = appSecret;
        timer.scheduleWithFixedDelay(this::flush, 25, 25, TimeUnit.MILLISECONDS);
    }

    /** At most this many updates in one POST (Meta: up to 1,000). */
    public void maxUpdatesPerPost(int n) {
        this.maxUpdatesPerPost = Math.max(1, n);
    }

    /** First retry after {@code baseMillis}, doubling, for {@code attempts} attempts in all. */
    public void retries(long baseMillis, int attempts) {
        this.retryBaseMillis = baseMillis;
        this.maxAttempts = attempts;
    }

    public void chaos(Chaos chaos) {
        this.chaos = chaos == null ? Chaos.NONE : chaos;
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Queues one change ({@code {"field":..,"value":..}}) of a WABA for delivery to {@code url}. */
    void enqueue(String url, String wabaId, Map<String, Object> change, java.time.Instant now) {
        pending.add(new Pending(url, wabaId, change, "messages".equals(change.get("field")) ? null : now.getEpochSecond()));
    }

    /** Meta's GET verification of a callback URL. */
    public boolean verify(String url, String verifyToken) {
        String challenge = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
        String sep = url.contains("?") ? "&" : "?";
        URI uri = URI.create(url + sep + "hub.mode=subscribe&hub.challenge=" + challenge + "&hub.verify_token="
                + URLEncoder.encode(verifyToken, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && challenge.equals(r.body().trim());
        } catch (Exception e) {
            return false;
        } 
    }

    private synchronized void flush() {
        try {
            Map<String, List<Pending>> byUrl = new LinkedHashMap<>();
            Pending p;
            while ((p = pending.poll()) != null) {
                byUrl.computeIfAbsent(p.url(), k -> new ArrayList<>()).add(p);
            }
            List<Delivery> batch = new ArrayList<>();
            byUrl.forEach((url, items) -> {
                for (int from = 0; from < items.size(); from += maxUpdatesPerPost) {
                    List<Pending> slice = items.subList(from, Math.min(items.size(), from + maxUpdatesPerPost));
                    batch.add(new Delivery(ids.incrementAndGet(), url, body(slice), slice.size(), false));
                }
            });
            Chaos c = chaos;
            if (c.reorder()) {
                Collections.shuffle(batch);
            }
            for (Delivery d : batch) {
                deliveries.add(d);
                timer.schedule(() -> attempt(d, 1), c.extraDelayMillis(), TimeUnit.MILLISECONDS);
                if (c.duplicateProbability() > 0 && ThreadLocalRandom.current().nextDouble() < c.duplicateProbability()) {
                    Delivery copy = new Delivery(ids.incrementAndGet(), d.url, d.body, d.updates, true);
                    deliveries.add(copy);
                    timer.schedule(() -> attempt(copy, 1), c.extraDelayMillis() + 50, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            log.warn("sandbox webhook flush failed: {}", e.toString());
        }
    }

    /** One entry per WABA (and entry time), in Meta's wire encoding ({@link MetaJson}). */
    private static byte[] body(List<Pending> items) {
        Map<List<Object>, List<Map<String, Object>>> byEntry = new LinkedHashMap<>();
        items.forEach(i -> byEntry.computeIfAbsent(java.util.Arrays.asList(i.wabaId(), i.time()), k -> new ArrayList<>()).add(i.change()));
        List<Map<String, Object>> entries = new ArrayList<>();
        byEntry.forEach((key, changes) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", key.get(0));
            if (key.get(1) != null) {
                entry.put("time", key.get(1));
            }
            entry.put("changes", changes);
            entries.add(entry);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "whatsapp_business_account");
        body.put("entry", entries);
        return MetaJson.wireBytes(body);
    }

    private void attempt(Delivery d, int attempt) {
        int status;
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(d.url)).timeout(Duration.ofSeconds(10))
                    .header("content-type", MetaJson.CONTENT_TYPE)
                    .header("user-agent", "facebookexternalua")
                    .header("x-hub-signature-256", "sha256=" + hmac("HmacSHA256", d.body))
                    .header("x-hub-signature", "sha1=" + hmac("HmacSHA1", d.body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body)).build(), HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
        } catch (Exception e) {
            status = -1;
        }
        d.statuses.add(status);
        if (status == 200) {
            d.delivered = true;
        } else if (attempt < maxAttempts) {
            long delay = retryBaseMillis << Math.min(attempt - 1, 20);
            timer.schedule(() -> attempt(d, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } else {
            log.warn("sandbox webhook {} to {} dropped after {} attempts (Meta drops after 7 days)", d.id, d.url, attempt);
        }
    }

    private String hmac(String algorithm, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True once nothing is pending and every delivery has either succeeded or used up its attempts (read under the
     * flush's lock, so that an update moving from pending to a delivery is seen in one or the other).
     */
    public synchronized boolean idle() {
        return pending.isEmpty() && deliveries.stream().allMatch(d -> d.delivered || d.statuses.size() >= maxAttempts);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
