package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tenant's bot hook: called signed for each inbound message; its replies are sent in order, once. */
@EndToEnd
class BotHookEndToEndTest {

    static final String SECRET = "hook-secret-0123456789";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static HttpServer hook;
    static final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    static final AtomicInteger failNext = new AtomicInteger();

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/bot", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("x-wabridge-signature");
            boolean valid = ("sha256=" + hmac(body)).equals(signature);
            JsonNode call = SignupEndToEndTest.JSON.readTree(body);
            calls.add(call);
            byte[] answer;
            int status = 200;
            if (!valid) {
                status = 401;
                answer = "{}".getBytes(StandardCharsets.UTF_8);
            } else if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
                answer = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                String text = call.path("message").path("content").path("text").path("body").asText();
                String wamid = call.path("message").path("id").asText();
                answer = SignupEndToEndTest.JSON.writeValueAsBytes(Map.of("replies", List.of(
                        Map.of("type", "reaction", "reaction", Map.of("message_id", wamid, "emoji", "\uD83D\uDC4C")),
                        Map.of("type", "text", "text", Map.of("body", "bot: you said " + text)),
                        Map.of("type", "text", "text", Map.of("body", "x".repeat(5000))))));
            }
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        hook.start();
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        if (hook != null) {
            hook.stop(0);
        }
    }

    static String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long botTexts(String contains) {
        return meta.calls().stream().filter(c -> c.path().endsWith("/messages") && c.status() == 200 && c.body().contains(contains)).count();
    }

    @Test
    void theHookIsCalledSignedAndItsRepliesAreSentInOrderOnceEvenWhenACallIsRetried() throws Exception {
        SandboxState.Customer c = SendEndToEndTest.connectFor(meta, "botty", "Toko Bot", "6281100004001");
        var settings = SignupEndToEndTest.call("PUT", "/v1/tenant/settings", "botty", Map.of("botHook",
                Map.of("url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/bot", "secret", SECRET, "timeoutMs", 5000),
                "displayName", "Toko Bot"));
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        JsonNode view = SignupEndToEndTest.json(settings);
        assertThat(view.path("botHook").path("secretSet").asBoolean()).isTrue();
        assertThat(settings.body()).doesNotContain(SECRET);
        assertThat(view.path("version").asLong()).isEqualTo(1);

        failNext.set(1);   // the first call fails: the call is retried and the replies still go out once
        meta.userSendsText("6281299994001", c.phoneNumberId(), "jam buka?");
        assertThat(Http.eventually(Duration.ofSeconds(40), () -> botTexts("bot: you said jam buka?") == 1)).as(calls.toString()).isTrue();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.get(0).path("tenantId").asText()).isEqualTo("botty");
        assertThat(calls.get(0).path("message").path("from").path("waId").asText()).isEqualTo("6281299994001");
        // In order: the reaction went out before the text.
        List<MetaSandbox.Call> sent = meta.calls().stream().filter(k -> k.path().endsWith(c.phoneNumberId() + "/messages") && k.status() == 200).toList();
        int reaction = -1;
        int text = -1;
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).body().contains("\"reaction\"")) {
                reaction = i;
            }
            if (sent.get(i).body().contains("bot: you said")) {
                text = i;
            }
        }
        assertThat(reaction).isGreaterThanOrEqualTo(0).isLessThan(text);
        // The over-long reply was refused by the send checks and reported.
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("bot.reply_rejected") && e.path("detail").path("code").asText().equals("invalid_text_body"))))
                .isTrue();
        runtime.awaitIdle();
        assertThat(botTexts("bot: you said jam buka?")).as("no second send after the retried hook call").isEqualTo(1);

        // A human takes the conversation over: the bot is not called until it is given back.
        String conversation = c.phoneNumberId() + ":" + calls.get(0).path("message").path("contact").asText();
        var handoff = SignupEndToEndTest.call("POST", "/v1/conversations/" + conversation + "/handoff", "botty", Map.of("timeoutMinutes", 30));
        assertThat(handoff.statusCode()).as(handoff.body()).isEqualTo(200);
        int callsBefore = calls.size();
        meta.userSendsText("6281299994001", c.phoneNumberId(), "agent please");
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("message.received") && e.path("detail").path("message").toString().contains("agent please"))))
                .isTrue();
        runtime.awaitIdle();
        assertThat(calls).as("no bot call while handed off").hasSize(callsBefore);
        assertThat(runtime.aws().events().received().stream().filter(e -> e.path("detail-type").asText().equals("conversation.handoff")
                && e.path("detail").path("tenantId").asText().equals("botty")).count())
                .isEqualTo(1);
        assertThat(SignupEndToEndTest.call("POST", "/v1/conversations/" + conversation + "/resume", "botty", null).statusCode()).isEqualTo(200);
        meta.userSendsText("6281299994001", c.phoneNumberId(), "thanks bot");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> botTexts("bot: you said thanks bot") == 1)).isTrue();
        assertThat(SignupEndToEndTest.call("POST", "/v1/conversations/" + c.phoneNumberId() + ":nobody/handoff", "botty", null).statusCode())
                .isEqualTo(404);

        var bad = SignupEndToEndTest.call("PUT", "/v1/tenant/settings", "botty", Map.of("botHook", Map.of("url", "http://example.com/hook")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(SignupEndToEndTest.json(bad).path("error").path("field").asText()).isEqualTo("botHook.url");
    }
}
