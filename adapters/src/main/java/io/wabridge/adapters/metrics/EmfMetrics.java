package io.wabridge.adapters.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Metrics as CloudWatch Embedded Metric Format: what an invocation recorded is kept per thread (an invocation
 * runs on one thread, and the local runtime runs invocations of one handler side by side) and written by
 * {@link #flush} as one JSON object a line to standard output, which Lambda sends to CloudWatch Logs, where
 * CloudWatch extracts the metrics. Namespace {@value #NAMESPACE}; dimensions {@code Stage} and
 * {@code FunctionName}, plus {@code Outcome} for the metrics that have one: a handful of values each, never a
 * tenant, number or message id (each dimension value is a separate, billed metric). The trace ids of the work
 * measured are a plain property, so a metric line leads to its logs and traces.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF specification</a>
 */
public final class EmfMetrics implements Metrics {

    public static final String NAMESPACE = "WaBridge";
    /** EMF takes at most 100 values per metric in one object. */
    static final int MAX_VALUES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one invocation recorded: per outcome ("" for none), per metric, the values. */
    private static final class Buffer {
        final Map<String, Map<Metric, List<Double>>> byOutcome = new TreeMap<>();
        final Set<String> traceIds = new LinkedHashSet<>();

        boolean isEmpty() {
            return byOutcome.isEmpty();
        }
    }

    private final String stage;
    private final Supplier<PrintStream> out;
    private final Clock clock;
    private final ThreadLocal<Buffer> buffer = ThreadLocal.withInitial(Buffer::new);

    /** Writes to {@link System#out}, read at each flush (Lambda and tests may replace it). */
    public EmfMetrics(String stage) {
        this(stage, () -> System.out, Clock.systemUTC());
    }

    public EmfMetrics(String stage, Supplier<PrintStream> out, Clock clock) {
        this.stage = stage;
        this.out = out;
        this.clock = clock;
    }

    /** Keeps nothing it is given (handler tests that do not look at metrics). */
    public static EmfMetrics discarding() {
        return new EmfMetrics("test", () -> new PrintStream(java.io.OutputStream.nullOutputStream()), Clock.systemUTC());
    }

    @Override
    public void record(Metric metric, double value) {
        add("", metric, value);
    }

    @Override
    public void record(Metric metric, String outcome, double value) {
        add(outcome == null ? "" : outcome, metric, value);
    }

    private void add(String outcome, Metric metric, double value) {
        Buffer b = buffer.get();
        List<Double> values = b.byOutcome.computeIfAbsent(outcome, o -> new EnumMap<>(Metric.class))
                .computeIfAbsent(metric, m -> new ArrayList<>());
        if (metric.unit() == Metric.Unit.COUNT && !values.isEmpty()) {
            values.set(0, values.get(0) + value); // counts are summed; timings keep each value
        } else {
            values.add(value);
        }
        io.wabridge.adapters.lambda.Tracing.traceId().ifPresent(b.traceIds::add);
    }

    /** Writes what this thread recorded since its last flush (nothing if it recorded nothing) and forgets it. */
    public void flush(String functionName) {
        Buffer b = buffer.get();
        buffer.remove();
        if (b.isEmpty()) {
            return;
        }
        PrintStream stream = out.get();
        long now = clock.millis();
        b.byOutcome.forEach((outcome, metrics) -> {
            for (String line : lines(now, functionName, outcome, metrics, b.traceIds)) {
                stream.println(line);
            }
        });
        stream.flush();
    }

    List<String> lines(long timestamp, String functionName, String outcome, Map<Metric, List<Double>> metrics, Set<String> traceIds) {
        List<String> lines = new ArrayList<>();
        for (int from = 0; ; from += MAX_VALUES) {
            int start = from;
            if (start > 0 && metrics.values().stream().allMatch(v -> v.size() <= start)) {
                return lines;
            }
            ObjectNode root = JSON.createObjectNode();
            ObjectNode aws = root.putObject("_aws");
            aws.put("Timestamp", timestamp);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode dimensions = directive.putArray("Dimensions").addArray().add("Stage").add("FunctionName");
            if (!outcome.isEmpty()) {
                dimensions.add("Outcome");
            }
            ArrayNode definitions = directive.putArray("Metrics");
            root.put("Stage", stage);
            root.put("FunctionName", functionName);
            if (!outcome.isEmpty()) {
                root.put("Outcome", outcome);
            }
            metrics.forEach((metric, values) -> {
                if (values.size() <= start) {
                    return;
                }
                definitions.addObject().put("Name", metric.metricName()).put("Unit", metric.unit().cloudWatchName());
                List<Double> chunk = values.subList(start, Math.min(values.size(), start + MAX_VALUES));
                if (chunk.size() == 1) {
                    root.put(metric.metricName(), chunk.get(0));
                } else {
                    ArrayNode array = root.putArray(metric.metricName());
                    chunk.forEach(array::add);
                }
            });
            if (traceIds.size() == 1) {
                root.put("traceId", traceIds.iterator().next());
            } else if (!traceIds.isEmpty()) {
                ArrayNode ids = root.putArray("traceIds");
                traceIds.forEach(ids::add);
            }
            lines.add(root.toString());
            if (metrics.values().stream().allMatch(v -> v.size() <= start + MAX_VALUES)) {
                return lines;
            }
        }
    }
}
