package io.wabridge.core.metrics;

/**
 * Records operational metrics. Values recorded while handling one invocation are published together when the
 * invocation ends, so recording is cheap and never fails the work it measures.
 */
public interface Metrics {

    /** Adds {@code value} to {@code metric}. */
    void record(Metric metric, double value);

    /**
     * Adds {@code value} to {@code metric} for one outcome. Outcomes become a metric dimension: pass only a
     * value of a small fixed set (an enum's name), never an id.
     */
    void record(Metric metric, String outcome, double value);

    /** Records nothing (tests and tools that do not look at metrics). */
    static Metrics none() {
        return new Metrics() {
            @Override
            public void record(Metric metric, double value) {
                // nothing
            }

            @Override
            public void record(Metric metric, String outcome, double value) {
                // nothing
            }
        };
    }
}
