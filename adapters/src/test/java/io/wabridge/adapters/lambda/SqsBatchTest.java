package io.wabridge.adapters.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.core.metrics.Metric;
import io.wabridge.core.metrics.Metrics;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsBatchTest {

    static SQSEvent.SQSMessage record(String id, int receiveCount) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(id);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        m.setAttributes(attributes);
        return m;
    }

    @Test
    void countsAFailureOnTheLastAllowedReceiveAsADeadLetterMove() {
        Map<String, Double> recorded = new HashMap<>();
        Metrics metrics = new Metrics() {
            @Override
            public void record(Metric metric, double value) {
                recorded.merge(metric.metricName(), value, Double::sum);
            }

            @Override
            public void record(Metric metric, String outcome, double value) {
                recorded.merge(metric.metricName() + "/" + outcome, value, Double::sum);
            }
        };
        SqsBatch batch = new SqsBatch(5, metrics);
        batch.fail(record("a", 1));
        batch.fail(record("b", 4));
        assertThat(recorded).isEmpty();
        batch.fail(record("c", 5));
        batch.fail(record("d", 6));
        assertThat(recorded).containsEntry("DlqMoves", 2.0);
        assertThat(batch.response().getBatchItemFailures()).extracting(f -> f.getItemIdentifier()).containsExactly("a", "b", "c", "d");
    }
}
