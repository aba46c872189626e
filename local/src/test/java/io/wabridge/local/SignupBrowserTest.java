package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded Signup in a real headless Chromium (Debian's, driven by playwright-core from
 * {@code local/src/test/browser}): the hosted setup page and the dashboard snippet, each against the Meta
 * sandbox's popup. {@code .ci/run} installs Chromium and the npm package; without them this test fails
 * and says how to install them.
 */
@Tag("slow") // a real Chromium
class SignupBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCRIPTS = Path.of("src/test/browser").toAbsolutePath();

    @TempDir
    static Path data;
    static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"))).as(
                "Chromium is needed for the browser tests: apt-get install chromium (as .ci/run does)").exists();
        assertThat(SCRIPTS.resolve("node_modules/playwright-core")).as(
                "playwright-core is needed: (cd local/src/test/browser && npm ci) (as .ci/run does)").exists();
        runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
        SignupEndToEndTest.runtime = runtime;
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        if (runtime != null) {
            runtime.close();
        }
    }

    static JsonNode drive(String... args) throws IOException, InterruptedException {
        return node(data, "signup.mjs", args);
    }

    /** Runs a browser script (in {@code src/test/browser}) and reads the JSON line it prints last. */
    static JsonNode node(Path tmp, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "browser", ".out");
        Process p = new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the browser run finished").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        String last = output.strip().lines().reduce((a, b) -> b).orElse("{}");
        return JSON.readTree(last);
    }

    @Test
    void theHostedSetupPageConnectsANumberThroughThePopup() throws Exception {
        var session = SignupEndToEndTest.json(SignupEndToEndTest.call("POST", "/v1/signup/sessions", "hosted", java.util.Map.of()));
        String pageUrl = session.path("pageUrl").asText();
        assertThat(pageUrl).startsWith(runtime.baseUrl().toString());
        long started = System.nanoTime();
        JsonNode result = drive("page", pageUrl, "finish");
        System.out.printf("browser signup (page load, popup, finish, channel ready): %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(result.path("outcome").asText()).as(result.toString()).isEqualTo("active");
        assertThat(result.path("status").asText()).startsWith("Connected:");
        JsonNode channels = SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/channels", "hosted", null));
        assertThat(channels.path("items")).hasSize(1);
        assertThat(channels.path("items").get(0).path("status").asText()).isEqualTo("active");

        // The link is single-use.
        var again = Http.get(java.net.URI.create(pageUrl));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("used already");
    }

    @Test
    void theDashboardSnippetRunsCrossOriginAndReportsACancellationWithItsStep() throws Exception {
        JsonNode finished = drive("embed", runtime.baseUrl().toString(), runtime.token("snippet", Duration.ofMinutes(10)), "finish");
        assertThat(finished.path("outcome").asText()).as(finished.toString()).isEqualTo("active");
        assertThat(finished.path("events").toString()).contains("FINISH");

        JsonNode cancelled = drive("embed", runtime.baseUrl().toString(), runtime.token("snippet", Duration.ofMinutes(10)), "cancel");
        assertThat(cancelled.path("outcome").asText()).as(cancelled.toString()).isEqualTo("cancelled");
        assertThat(cancelled.path("status").asText()).contains("PHONE_NUMBER_VERIFICATION");
        assertThat(SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/channels", "snippet", null)).path("items")).hasSize(1);
    }
}
