package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.sandbox.SandboxState;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
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
 * Everything the functions and the local runtime log during an end-to-end run (a signup, an inbound text
 * message, a reply sent through Meta) holds none of the secrets or contents that passed through: the app
 * secret, the webhook verify token, the business token, the registration PIN, the message bodies.
 */
class LogSecrecyTest {

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
        System.setOut(tee(originalOut));
        System.setErr(tee(originalErr));
        runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
        SignupEndToEndTest.runtime = runtime;
        SignupEndToEndTest.meta = runtime.sandbox();
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        SignupEndToEndTest.meta = null;
        if (runtime != null) {
            runtime.close();
        }
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    static PrintStream tee(PrintStream original) {
        return tee(original, captured);
    }

    /** Writes to {@code original} and keeps a copy in {@code captured}. */
    static PrintStream tee(PrintStream original, ByteArrayOutputStream captured) {
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
        SandboxState.Customer c = SendEndToEndTest.connectFor(runtime.sandbox(), "logs", "Log Shop", "6281100009001");
        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        String token = wiring.tokenVault().reveal(new SecretContext("logs", c.phoneNumberId(), SecretField.BUSINESS_TOKEN)).orElseThrow().reveal();
        String pin = wiring.tokenVault().reveal(new SecretContext("logs", c.phoneNumberId(), SecretField.REGISTRATION_PIN)).orElseThrow().reveal();

        String user = "6281234519999";
        String wamid = runtime.sandbox().userSendsText(user, c.phoneNumberId(), INBOUND_BODY);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status("GET", "/v1/messages/" + wamid, null) == 200)).isTrue();

        Map<String, Object> reply = new LinkedHashMap<>(Map.of("channel", c.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", OUTBOUND_BODY)));
        var accepted = SignupEndToEndTest.call("POST", "/v1/messages", "logs", reply);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = SignupEndToEndTest.json(accepted).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return List.of("sent", "delivered", "read").contains(
                        SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, "logs", null)).path("state").asText());
            } catch (Exception e) {
                return false;
            }
        })).as("the reply went out through Meta").isTrue();
        Thread.sleep(500); // the status webhooks that follow are logged too

        String logs;
        synchronized (captured) {
            logs = captured.toString(StandardCharsets.UTF_8);
        }
        assertThat(logs).as("the run was logged").contains("started in");
        assertThat(List.of(runtime.metaAppSecret(), runtime.webhookVerifyTokenValue(), token, pin)).allSatisfy(s -> assertThat(s).hasSizeGreaterThan(5));
        assertThat(logs).doesNotContain(runtime.metaAppSecret()).doesNotContain(runtime.webhookVerifyTokenValue())
                .doesNotContain(token).doesNotContain(INBOUND_BODY).doesNotContain(OUTBOUND_BODY);
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

    static int status(String method, String path, Object body) {
        return status(method, path, body, "logs");
    }

    static int status(String method, String path, Object body, String tenant) {
        try {
            return SignupEndToEndTest.call(method, path, tenant, body).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
