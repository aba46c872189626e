package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.sandbox.SandboxState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations, end to end on the local runtime: what the functions write to standard output during a webhook →
 * inbound → send flow holds CloudWatch Embedded Metric Format lines that are valid by the specification and
 * count what happened; a webhook's X-Ray trace id goes on across the inbound queue into the consumer's log and
 * metric lines.
 */
class OperationsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TENANT = "ops";

    @TempDir
    static Path data;
    static LocalRuntime runtime;
    static SandboxState.Customer shop;
    static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    static PrintStream originalOut;

    @BeforeAll
    static void start() throws Exception {
        originalOut = System.out;
        System.setOut(io.wabridge.local.security.LogSecrecyTest.tee(originalOut, captured));
        runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
        SignupEndToEndTest.runtime = runtime;
        SignupEndToEndTest.meta = runtime.sandbox();
        shop = SendEndToEndTest.connectFor(runtime.sandbox(), TENANT, "Ops Shop", "6281100009101");
    }

    static int status(String path) {
        try {
            return SignupEndToEndTest.call("GET", path, TENANT, null).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
        SignupEndToEndTest.meta = null;
        if (runtime != null) {
            runtime.close();
        }
        System.setOut(originalOut);
    }

    static String textWebhook(String phoneNumberId, String from, String wamid, String name) {
        return """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                "contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],
                "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"hello"}}]},
                "field":"messages"}]}]}""".formatted(phoneNumberId, name, from, from, wamid, Instant.now().getEpochSecond());
    }

    static HttpResponse<String> postWebhook(String body, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("content-type", "application/json", "x-hub-signature-256",
                WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8))));
        all.addAll(List.of(headers));
        return Http.post(URI.create(runtime.baseUrl() + "/webhook"), body.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
    }

    static String capturedSince(int offset) {
        synchronized (captured) {
            String all = captured.toString(StandardCharsets.UTF_8);
            return all.substring(Math.min(offset, all.length()));
        }
    }

    static int capturedSize() {
        synchronized (captured) {
            return captured.size();
        }
    }

    /** The EMF lines among the captured output, each checked against the specification. */
    static List<JsonNode> emf(String output) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                JsonNode node = JSON.readTree(line);
                assertValidEmf(node, line);
                lines.add(node);
            }
        }
        return lines;
    }

    /**
     * The specification's rules: {@code _aws} with a Timestamp in epoch milliseconds and a CloudWatchMetrics
     * array of directives; each directive has a Namespace, Dimensions (arrays of at most 30 names, each a
     * string member of the root) and Metrics (at most 100, each with a Name that is a member of the root
     * holding a number or an array of at most 100 numbers, and a known Unit).
     */
    static void assertValidEmf(JsonNode node, String line) {
        Set<String> units = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
                "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
                "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
                "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");
        JsonNode aws = node.path("_aws");
        assertThat(aws.isObject()).as(line).isTrue();
        assertThat(aws.path("Timestamp").isIntegralNumber()).as(line).isTrue();
        assertThat(aws.path("Timestamp").asLong()).as(line).isBetween(Instant.now().minusSeconds(3600).toEpochMilli(), Instant.now().toEpochMilli());
        assertThat(aws.path("CloudWatchMetrics").isArray()).as(line).isTrue();
        assertThat(aws.path("CloudWatchMetrics")).as(line).isNotEmpty();
        for (JsonNode directive : aws.path("CloudWatchMetrics")) {
            assertThat(directive.path("Namespace").asText()).as(line).isEqualTo("WaBridge");
            assertThat(directive.path("Dimensions").isArray()).as(line).isTrue();
            for (JsonNode set : directive.path("Dimensions")) {
                assertThat(set.size()).as(line).isBetween(1, 30);
                for (JsonNode name : set) {
                    assertThat(node.path(name.asText()).isTextual()).as("dimension %s in %s", name, line).isTrue();
                    assertThat(name.asText()).as("no id is a dimension").isIn("Stage", "FunctionName", "Outcome");
                }
            }
            assertThat(directive.path("Metrics").size()).as(line).isBetween(1, 100);
            for (JsonNode metric : directive.path("Metrics")) {
                JsonNode value = node.path(metric.path("Name").asText());
                assertThat(value.isNumber() || value.isArray() && value.size() <= 100 && value.size() > 0).as(line).isTrue();
                value.forEach(v -> assertThat(v.isNumber()).as(line).isTrue());
                assertThat(metric.path("Unit").asText()).as(line).isIn(units);
            }
        }
    }

    /** Sums a metric over the EMF lines of one function (by logical id) and outcome ("" for none). */
    static double total(List<JsonNode> lines, String function, String metric, String outcome) {
        double sum = 0;
        for (JsonNode line : lines) {
            if (line.path("FunctionName").asText().endsWith("-" + function) && line.path("Outcome").asText("").equals(outcome)
                    && line.has(metric)) {
                JsonNode v = line.path(metric);
                if (v.isArray()) {
                    for (JsonNode x : v) {
                        sum += x.asDouble();
                    }
                } else {
                    sum += v.asDouble();
                }
            }
        }
        return sum;
    }

    static boolean has(List<JsonNode> lines, String function, String metric) {
        return lines.stream().anyMatch(l -> l.path("FunctionName").asText().endsWith("-" + function) && l.has(metric));
    }

    @Test
    void aWebhookInboundSendFlowWritesValidEmfWithItsCounts() throws Exception {
        int offset = capturedSize();
        String user = "6281234519101";
        String wamid = "wamid.ops-metrics-" + System.nanoTime();
        assertThat(postWebhook(textWebhook(shop.phoneNumberId(), user, wamid, "Ops")).statusCode()).isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status("/v1/messages/" + wamid) == 200))
                .isTrue();
        // Meta redelivers (SQS drops a byte-identical copy within its five-minute deduplication window, so the
        // copy that reaches the consumer differs in something other than the wamid).
        assertThat(postWebhook(textWebhook(shop.phoneNumberId(), user, wamid, "Ops again")).statusCode()).isEqualTo(200);

        Map<String, Object> reply = new LinkedHashMap<>(Map.of("channel", shop.phoneNumberId(), "to", user, "type", "text",
                "text", Map.of("body", "thanks")));
        var accepted = SignupEndToEndTest.call("POST", "/v1/messages", TENANT, reply);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = SignupEndToEndTest.json(accepted).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> {
            try {
                return List.of("sent", "delivered", "read").contains(
                        SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, TENANT, null)).path("state").asText());
            } catch (Exception e) {
                return false;
            }
        })).as("the reply went out through Meta").isTrue();
        // The redelivered update is seen as a duplicate once the consumer has had it.
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> {
            try {
                return total(emf(capturedSince(offset)), "InboundFunction", "Duplicates", "") >= 1;
            } catch (Exception e) {
                return false;
            }
        })).isTrue();

        List<JsonNode> lines = emf(capturedSince(offset));
        assertThat(total(lines, "WebhookFunction", "WebhookPosts", "accepted")).as("our two POSTs and Meta's status webhooks")
                .isGreaterThanOrEqualTo(2);
        assertThat(total(lines, "WebhookFunction", "WebhookUpdates", "")).isGreaterThanOrEqualTo(2);
        assertThat(has(lines, "WebhookFunction", "EnqueueLatency")).isTrue();
        assertThat(total(lines, "InboundFunction", "UpdatesProcessed", "stored")).as("the one message, stored once").isEqualTo(1);
        assertThat(total(lines, "InboundFunction", "UpdatesProcessed", "duplicate")).isEqualTo(1);
        assertThat(total(lines, "InboundFunction", "Duplicates", "")).isEqualTo(1);
        assertThat(total(lines, "OutboundFunction", "Sends", "sent")).as("the one reply").isEqualTo(1);
        assertThat(total(lines, "InboundFunction", "DlqMoves", "")).isZero();
        for (JsonNode line : lines) {
            assertThat(line.toString()).as("no tenant, number or wamid in a metric line")
                    .doesNotContain(shop.phoneNumberId()).doesNotContain(wamid).doesNotContain(user).doesNotContain("\"" + TENANT + "\"");
        }
    }

    @Test
    void aWebhooksTraceGoesOnInTheInboundConsumersLogAndMetricLines() throws Exception {
        byte[] id = new byte[12];
        new java.security.SecureRandom().nextBytes(id);
        String root = "1-" + String.format("%08x", Instant.now().getEpochSecond()) + "-" + java.util.HexFormat.of().formatHex(id);
        int offset = capturedSize();
        // An update for a number no tenant has: the consumer warns (a stored message logs nothing at INFO).
        String unknownNumber = "1099" + (System.nanoTime() % 100_000_000L);
        assertThat(postWebhook(textWebhook(unknownNumber, "6281234519102", "wamid.ops-trace-" + System.nanoTime(), "Trace"),
                "x-amzn-trace-id", "Root=" + root + ";Parent=53995c3f42cd8ad8;Sampled=1").statusCode()).isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> inboundLines(capturedSince(offset)).stream()
                .anyMatch(l -> root.equals(l.path("traceId").asText())))).as("the inbound consumer logged with the webhook's trace id").isTrue();
        JsonNode warning = inboundLines(capturedSince(offset)).stream().filter(l -> root.equals(l.path("traceId").asText())).findFirst().orElseThrow();
        assertThat(warning.path("message").asText()).contains("has no tenant");
        assertThat(warning.path("messageId").asText()).isNotBlank();

        assertThat(Http.eventually(Duration.ofSeconds(10), () -> {
            try {
                return emf(capturedSince(offset)).stream().anyMatch(l -> l.path("FunctionName").asText().endsWith("-InboundFunction")
                        && root.equals(l.path("traceId").asText()) && l.path("Outcome").asText().equals("unrouted"));
            } catch (Exception e) {
                return false;
            }
        })).as("the consumer's metric line carries the trace id").isTrue();
        assertThat(emf(capturedSince(offset))).anyMatch(l -> l.path("FunctionName").asText().endsWith("-WebhookFunction")
                && root.equals(l.path("traceId").asText()));
    }

    /** The JSON log lines the inbound consumer wrote. */
    static List<JsonNode> inboundLines(String output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{\"timestamp\"") && line.contains("InboundQueueHandler")) {
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node.path("logger").asText().endsWith("InboundQueueHandler")) {
                        lines.add(node);
                    }
                } catch (Exception e) {
                    // a line cut by another thread's output is not one of them
                }
            }
        }
        return lines;
    }
}
