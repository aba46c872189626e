package io.wabridge.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.config.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records each body it processes. A body starting with {@code poison} is reported as a batch item
 * failure; a body {@code throw} makes the whole invocation throw; a body starting with {@code hold} waits
 * 4 s on its first delivery (a batch in flight, for crash tests) and throws if interrupted.
 */
public final class WorkHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    public static final List<String> PROCESSED = new CopyOnWriteArrayList<>();
    public static final List<SQSEvent.SQSMessage> SEEN = new CopyOnWriteArrayList<>();

    public WorkHandler(Wiring wiring) {
        wiring.config().region();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            SEEN.add(m);
            if (m.getBody().startsWith("hold") && "1".equals(m.getAttributes().get("ApproximateReceiveCount"))) {
                try {
                    Thread.sleep(4_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted mid-batch");
                }
            }
            if (m.getBody().equals("throw")) {
                throw new IllegalStateException("handler crashed");
            }
            if (m.getBody().startsWith("poison")) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
            } else {
                PROCESSED.add(m.getBody());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
