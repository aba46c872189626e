package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.http.HttpBotHook;
import io.wabridge.adapters.http.TenantUrlPolicy;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.BotHook;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant-supplied URL (the bot hook) never reaches an internal address on AWS, checked
 * at each call after DNS resolution, and every call is bounded in time and bytes. Real sockets on loopback
 * play the internal service; a resolver the test controls plays DNS (including rebinding).
 */
class SsrfTest {

    static final Clock CLOCK = Clock.systemUTC();
    static final TenantId TENANT = new TenantId("ssrf");
    static final MessageHistory.StoredMessage MESSAGE = new MessageHistory.StoredMessage("wamid.SSRF", "106540352242922", "6281234500001",
            "in", "text", Instant.parse("2026-12-01T10:00:00Z"), "6281234500001", null, "Sari", null, "{\"text\":{\"body\":\"hi\"}}",
            null, Map.of(), null, null);

    HttpServer internal;
    final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void startInternalService() throws Exception {
        internal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        internal.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] body = "{\"replies\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        internal.start();
    }

    @AfterEach
    void stop() {
        internal.stop(0);
    }

    int port() {
        return internal.getAddress().getPort();
    }

    static List<BotHook.Reply> call(TenantUrlPolicy policy, String url) {
        return new HttpBotHook(CLOCK, policy).call(URI.create(url), "secret", Duration.ofSeconds(5), TENANT, MESSAGE);
    }

    static TenantUrlPolicy.Resolver resolvesTo(String... ips) {
        return host -> {
            InetAddress[] out = new InetAddress[ips.length];
            for (int i = 0; i < ips.length; i++) {
                out[i] = InetAddress.getByName(ips[i]);
            }
            return out;
        };
    }

    @Test
    void onAwsTheBotHookNeverReachesLoopbackOrPlainHttp() {
        TenantUrlPolicy aws = new TenantUrlPolicy(false);
        assertThatThrownBy(() -> call(aws, "http://127.0.0.1:" + port() + "/bot")).isInstanceOf(BotHook.HookRefused.class);
        assertThatThrownBy(() -> call(aws, "https://127.0.0.1:" + port() + "/bot")).isInstanceOf(BotHook.HookRefused.class);
        assertThatThrownBy(() -> call(aws, "https://[::1]:" + port() + "/bot")).isInstanceOf(BotHook.HookRefused.class);
        assertThatThrownBy(() -> call(aws, "https://[::ffff:127.0.0.1]:" + port() + "/bot")).isInstanceOf(BotHook.HookRefused.class);
        assertThat(hits).as("the internal service was never called").hasValue(0);

        // The AWS functions get no flag: the policy is strict unless the local runtime sets it.
        assertThat(AppConfig.of(Map.of()).allowLocalUrls()).isFalse();
    }

    @Test
    void everyInternalAddressKindIsRefusedIpv4AndIpv6() {
        for (String ip : List.of("127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.10", "169.254.169.254", "100.64.0.1", "100.127.255.254",
                "224.0.0.251", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
                "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "::7f00:1")) {
            TenantUrlPolicy policy = new TenantUrlPolicy(false, resolvesTo(ip));
            assertThat(policy.refusal(URI.create("https://hook.example.com/bot"))).as(ip).isNotNull();
        }
        // One internal address among public ones is enough to refuse.
        assertThat(new TenantUrlPolicy(false, resolvesTo("93.184.216.34", "10.0.0.1")).refusal(URI.create("https://hook.example.com/")))
                .isNotNull();
        for (String ip : List.of("93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8")) {
            assertThat(new TenantUrlPolicy(false, resolvesTo(ip)).refusal(URI.create("https://hook.example.com/bot"))).as(ip).isNull();
        }
        assertThat(new TenantUrlPolicy(false, resolvesTo("93.184.216.34")).refusal(URI.create("http://hook.example.com/bot")))
                .as("plain http on AWS").isNotNull();
    }

    @Test
    void theCheckRunsAtEachCallAfterResolutionNotOnlyWhenTheUrlIsSet() {
        // DNS rebinding: public when the tenant sets the URL, loopback when the hook is called.
        AtomicInteger lookups = new AtomicInteger();
        TenantUrlPolicy policy = new TenantUrlPolicy(false, host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")});
        String url = "https://hook.example.com:" + port() + "/bot";
        assertThat(policy.refusal(URI.create(url))).as("accepted when set").isNull();
        assertThatThrownBy(() -> call(policy, url)).isInstanceOf(BotHook.HookRefused.class).hasMessageContaining("internal address");
        assertThat(hits).hasValue(0);
    }

    @Test
    void locallyLoopbackAndPlainHttpStayAllowed() {
        TenantUrlPolicy local = new TenantUrlPolicy(true);
        assertThat(call(local, "http://127.0.0.1:" + port() + "/bot")).isEmpty();
        assertThat(hits).hasValue(1);
        assertThat(new TenantUrlPolicy(true, resolvesTo("10.0.0.5")).refusal(URI.create("https://hook.example.com/"))).isNotNull();
        assertThat(new TenantUrlPolicy(true, resolvesTo("93.184.216.34")).refusal(URI.create("http://hook.example.com/")))
                .as("plain http only to loopback").isNotNull();
    }

    @Test
    void aCallIsBoundedInBytesAndInTotalTime() throws Exception {
        TenantUrlPolicy local = new TenantUrlPolicy(true);
        // An answer larger than the bound.
        byte[] big = new byte[TenantUrlPolicy.MAX_RESPONSE_BYTES + 1024];
        internal.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, big.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            }
        });
        assertThatThrownBy(() -> call(local, "http://127.0.0.1:" + port() + "/big")).isInstanceOf(BotHook.HookFailed.class)
                .rootCause().hasMessageContaining("bytes");

        // A server that dribbles a byte every 100 ms: each read is quick, the whole call is not.
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try (Socket s = slow.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 100_000; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (Exception done) {
                    // the client gave up
                }
            });
            HttpBotHook hook = new HttpBotHook(CLOCK, local);
            assertThatThrownBy(() -> hook.call(URI.create("http://127.0.0.1:" + slow.getLocalPort() + "/"), "secret", Duration.ofMillis(1500),
                    TENANT, MESSAGE)).isInstanceOf(BotHook.HookFailed.class).rootCause().isInstanceOf(SocketTimeoutException.class);
            dribbler.interrupt();
        }
    }
}
