package io.wabridge.adapters.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.metrics.Metric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics("prod", () -> new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC));

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void writesOneEmfObjectPerOutcomeWithCountsSummedAndTimingsKept() throws Exception {
        metrics.record(Metric.WEBHOOK_UPDATES, 2);
        metrics.record(Metric.WEBHOOK_UPDATES, 3);
        metrics.record(Metric.ENQUEUE_LATENCY, 12.5);
        metrics.record(Metric.ENQUEUE_LATENCY, 7);
        metrics.record(Metric.WEBHOOK_POSTS, "accepted", 1);
        metrics.record(Metric.WEBHOOK_POSTS, "accepted", 1);
        metrics.record(Metric.WEBHOOK_POSTS, "malformed", 1);
        assertThat(out.size()).as("nothing is written before the flush").isZero();
        metrics.flush("wabridge-WebhookFunction");

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(3);
        JsonNode plain = lines.get(0);
        JsonNode aws = plain.path("_aws");
        assertThat(aws.path("Timestamp").asLong()).isEqualTo(Instant.parse("2026-11-22T08:00:00Z").toEpochMilli());
        JsonNode directive = aws.path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("WaBridge");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Stage\",\"FunctionName\"]]");
        assertThat(directive.path("Metrics").toString())
                .isEqualTo("[{\"Name\":\"WebhookUpdates\",\"Unit\":\"Count\"},{\"Name\":\"EnqueueLatency\",\"Unit\":\"Milliseconds\"}]");
        assertThat(plain.path("Stage").asText()).isEqualTo("prod");
        assertThat(plain.path("FunctionName").asText()).isEqualTo("wabridge-WebhookFunction");
        assertThat(plain.path("WebhookUpdates").asDouble()).isEqualTo(5);
        assertThat(plain.path("EnqueueLatency").toString()).isEqualTo("[12.5,7.0]");

        JsonNode accepted = lines.get(1);
        assertThat(accepted.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
                .isEqualTo("[[\"Stage\",\"FunctionName\",\"Outcome\"]]");
        assertThat(accepted.path("Outcome").asText()).isEqualTo("accepted");
        assertThat(accepted.path("WebhookPosts").asDouble()).isEqualTo(2);
        assertThat(lines.get(2).path("Outcome").asText()).isEqualTo("malformed");
        assertThat(lines.get(2).path("WebhookPosts").asDouble()).isEqualTo(1);
    }

    @Test
    void aFlushWritesOnlyWhatItsThreadRecordedAndForgetsIt() throws Exception {
        metrics.record(Metric.SENDS, "sent", 1);
        Thread other = Thread.ofVirtual().start(() -> {
            metrics.record(Metric.SENDS, "failed", 1);
            metrics.flush("other");
        });
        other.join();
        metrics.flush("this");
        metrics.flush("this");
        List<JsonNode> lines = lines();
        assertThat(lines).extracting(l -> l.path("FunctionName").asText() + ":" + l.path("Outcome").asText())
                .containsExactlyInAnyOrder("other:failed", "this:sent");
    }

    @Test
    void keepsAtMostOneHundredValuesAMetricInOneObject() throws Exception {
        for (int i = 0; i < 150; i++) {
            metrics.record(Metric.ENQUEUE_LATENCY, i);
        }
        metrics.record(Metric.DUPLICATES, 1);
        metrics.flush("f");
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("EnqueueLatency")).hasSize(100);
        assertThat(lines.get(0).path("Duplicates").asDouble()).isEqualTo(1);
        assertThat(lines.get(1).path("EnqueueLatency")).hasSize(50);
        assertThat(lines.get(1).has("Duplicates")).as("a count is written once").isFalse();
        assertThat(lines.get(1).path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")).hasSize(1);
    }
}
