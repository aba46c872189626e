package io.wabridge.core.metrics;

/**
 * The operational metrics WaBridge records, each with its unit. The set is closed so that metric names stay
 * few; an outcome, where a metric has one, comes from a fixed set too (never a tenant, number or message id).
 */
public enum Metric {
    /** Webhook POSTs from Meta, by outcome (accepted, bad_signature, malformed, enqueue_failed). */
    WEBHOOK_POSTS("WebhookPosts", Unit.COUNT),
    /** Updates (messages, statuses, account changes) split from accepted webhook POSTs and queued. */
    WEBHOOK_UPDATES("WebhookUpdates", Unit.COUNT),
    /** How long queueing one POST's updates took. */
    ENQUEUE_LATENCY("EnqueueLatency", Unit.MILLISECONDS),
    /** Inbound updates the consumer processed, by outcome (stored, duplicate, status_advanced, status_stale, unrouted). */
    UPDATES_PROCESSED("UpdatesProcessed", Unit.COUNT),
    /** Inbound updates already seen (Meta redelivers; SQS delivers at least once): no second effect. */
    DUPLICATES("Duplicates", Unit.COUNT),
    /** Queued sends the sender handled, by outcome (sent, retried, failed, held, ...). */
    SENDS("Sends", Unit.COUNT),
    /** Queue records that failed on their last allowed receive: SQS moves them to the dead-letter queue. */
    DLQ_MOVES("DlqMoves", Unit.COUNT);

    /** CloudWatch units the metrics use. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    private final String metricName;
    private final Unit unit;

    Metric(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }
}
