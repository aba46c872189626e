package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.local.Http;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.SandboxState;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the functions and the local runtime log during an end-to-end run (a signup, an inbound text message, a
 * reply sent through Meta, refused tokens and webhooks, an opt-in link) holds none of the secrets or contents that
 * passed through: the app secret, the webhook verify token, the events signing secret, the business token, the
 * registration PIN, the SaaS's JWTs, opt-in link tokens, the message bodies.
 */
public class LogSecrecyTest {

    static final String TENANT = "logs";
    static final String INBOUND_BODY = "inbound-body-planted-7f3a1c";
    static final String OUTBOUND_BODY = "outbound-body-planted-9e2b4d";

    @TempDir
    static Path data;
    static LocalRuntime runtime;
    static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    static PrintStream originalOut;
    static PrintStream originalErr;

    @BeforeAll
    static void start() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(tee(originalOut, captured));
        System.setErr(tee(originalErr, captured));
        runtime = Rig.start(data);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** Writes to {@code original} and keeps a copy in {@code captured} (other tests read their own logs with it). */
    public static PrintStream tee(PrintStream original, ByteArrayOutputStream captured) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (captured) {
                    captured.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Test
    void anEndToEndRunLogsNoSecretAndNoMessageBody() throws Exception {
        SandboxState.Customer c = Rig.connect(runtime, TENANT, "Log Shop", "6281100009001");
        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        String token = wiring.tokenVault().reveal(new SecretContext(TENANT, c.phoneNumberId(), SecretField.BUSINESS_TOKEN)).orElseThrow().reveal();
        String pin = wiring.tokenVault().reveal(new SecretContext(TENANT, c.phoneNumberId(), SecretField.REGISTRATION_PIN)).orElseThrow().reveal();
        String jwt = runtime.token(TENANT, Duration.ofMinutes(10));

        String user = "6281234519999";
        String wamid = runtime.sandbox().userSendsText(user, c.phoneNumberId(), INBOUND_BODY);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status("GET", "/v1/messages/" + wamid, jwt) == 200)).isTrue();

        Map<String, Object> reply = new LinkedHashMap<>(Map.of("channel", c.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", OUTBOUND_BODY)));
        var accepted = Rig.call(runtime, "POST", "/v1/messages", jwt, reply);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = Rig.json(accepted).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return List.of("sent", "delivered", "read").contains(Rig.json(Rig.call(runtime, "GET", "/v1/messages/" + id, jwt, null))
                        .path("state").asText());
            } catch (Exception e) {
                return false;
            }
        })).as("the reply went out through Meta").isTrue();

        // Refusals are logged too: a forged webhook carrying a body, a token with a bad tenant claim, an opt-in page.
        byte[] forged = ("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"note\":\"" + INBOUND_BODY + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(Rig.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(forged))
                .header("content-type", "application/json").header("x-hub-signature-256", "sha256=00")).statusCode()).isEqualTo(401);
        assertThat(Rig.call(runtime, "GET", "/v1/whoami", "Bearer-less." + jwt, null).statusCode()).isEqualTo(401);
        String link = new io.wabridge.adapters.config.Components(wiring).optInLinks()
                .issue(new TenantId(TENANT), user, ConsentEvent.Scope.ALL, null, Duration.ofHours(1));
        assertThat(Rig.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/optin/" + link)).GET()).statusCode()).isEqualTo(200);
        runtime.awaitIdle(); // the status webhooks that follow are logged too

        String logs;
        synchronized (captured) {
            logs = captured.toString(StandardCharsets.UTF_8);
        }
        String eventsSecret = Rig.JSON.readTree(data.resolve("local.json").toFile()).path("events").path("signingSecret").asText();
        List<String> secrets = List.of(runtime.metaAppSecret(), runtime.webhookVerifyTokenValue(), eventsSecret, token, pin, jwt,
                jwt.substring(jwt.lastIndexOf('.') + 1), link);
        assertThat(secrets).allSatisfy(s -> assertThat(s).hasSizeGreaterThan(5));
        assertThat(logs).as("the run was logged").contains("started in");
        assertThat(logs).doesNotContain(runtime.metaAppSecret()).doesNotContain(runtime.webhookVerifyTokenValue()).doesNotContain(eventsSecret)
                .doesNotContain(token).doesNotContain(jwt.substring(jwt.lastIndexOf('.') + 1)).doesNotContain(link)
                .doesNotContain(INBOUND_BODY).doesNotContain(OUTBOUND_BODY);
        // Six digits may occur inside ids and phone numbers: the PIN must not appear as a number of its own.
        assertThat(logs).doesNotContainPattern("(?<![0-9])" + pin + "(?![0-9])");
    }

    @Test
    void theCheckSeesWhatIsLogged() {
        org.slf4j.LoggerFactory.getLogger(LogSecrecyTest.class).info("a canary {}", "canary-5d1e");
        synchronized (captured) {
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("canary-5d1e");
        }
    }

    static int status(String method, String path, String jwt) {
        try {
            return Rig.call(runtime, method, path, jwt, null).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
