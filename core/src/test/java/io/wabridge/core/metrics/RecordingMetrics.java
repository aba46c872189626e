package io.wabridge.core.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sums what was recorded, by metric and outcome ("" when none). */
public final class RecordingMetrics implements Metrics {

    private final Map<String, Double> totals = new ConcurrentHashMap<>();

    @Override
    public void record(Metric metric, double value) {
        record(metric, "", value);
    }

    @Override
    public void record(Metric metric, String outcome, double value) {
        totals.merge(metric.metricName() + "/" + outcome, value, Double::sum);
    }

    public double total(Metric metric) {
        return total(metric, "");
    }

    public double total(Metric metric, String outcome) {
        return totals.getOrDefault(metric.metricName() + "/" + outcome, 0.0);
    }

    public boolean recorded(Metric metric) {
        return totals.keySet().stream().anyMatch(k -> k.startsWith(metric.metricName() + "/"));
    }
}
