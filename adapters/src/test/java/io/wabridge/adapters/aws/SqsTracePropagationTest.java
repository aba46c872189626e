package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.adapters.lambda.Tracing;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Against ElasticMQ through the client Wiring builds: a consumer's sends continue the trace of the record at hand. */
@ExtendWith(LocalAws.class)
class SqsTracePropagationTest {

    static final String HEADER = "Root=1-67400000-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";

    private static List<Message> receive(SqsClient sqs, String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    private static SQSEvent.SQSMessage record(Map<String, String> attributes) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m1");
        record.setAttributes(attributes);
        return record;
    }

    @Test
    void aSendWhileHandlingATracedRecordCarriesItsTraceHeader(Wiring wiring) {
        SqsClient sqs = wiring.sqs();
        String url = sqs.createQueue(r -> r.queueName("trace-" + UUID.randomUUID())).queueUrl();
        Tracing.begin(null);
        try {
            Tracing.enter(record(Map.of("AWSTraceHeader", HEADER)));
            assertThat(Tracing.traceId()).contains("1-67400000-0123456789abcdef01234567");
            // The consumer's own invocation header goes with the call too (the SDK adds it on Lambda); the attribute wins.
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("one").overrideConfiguration(c -> c.putHeader("X-Amzn-Trace-Id",
                    "Root=1-67400001-fedcba9876543210fedcba98;Parent=1111111111111111;Sampled=1")));
            sqs.sendMessageBatch(r -> r.queueUrl(url).entries(e -> e.id("a").messageBody("two"), e -> e.id("b").messageBody("three")));

            Tracing.enter(record(Map.of("ApproximateReceiveCount", "1")));
            assertThat(Tracing.traceId()).isEmpty();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("untraced"));
        } finally {
            Tracing.end();
        }
        List<Message> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 3 && messages.size() < 4; i++) {
            messages.addAll(receive(sqs, url));
        }
        assertThat(messages).hasSize(4);
        messages.forEach(m -> assertThat(m.attributesAsStrings().get("AWSTraceHeader")).as(m.body())
                .isEqualTo(m.body().equals("untraced") ? null : HEADER));
    }

    @Test
    void theQueueKeepsTheTraceHeaderTheSdkSendsOverHttp(Wiring wiring) {
        // On Lambda the SDK sends the invocation's header as X-Amzn-Trace-Id; SQS (and ElasticMQ) keep it as AWSTraceHeader.
        SqsClient sqs = wiring.sqs();
        String url = sqs.createQueue(r -> r.queueName("trace-http-" + UUID.randomUUID())).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("one").overrideConfiguration(c -> c.putHeader("X-Amzn-Trace-Id", HEADER)));
        sqs.sendMessageBatch(r -> r.queueUrl(url).entries(e -> e.id("a").messageBody("two"))
                .overrideConfiguration(c -> c.putHeader("X-Amzn-Trace-Id", HEADER)));
        List<Message> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 3 && messages.size() < 2; i++) {
            messages.addAll(receive(sqs, url));
        }
        assertThat(messages).hasSize(2).allSatisfy(m -> assertThat(m.attributesAsStrings().get("AWSTraceHeader")).isEqualTo(HEADER));
    }

    @Test
    void readsTheRootOfAHeader() {
        assertThat(Tracing.root(HEADER)).contains("1-67400000-0123456789abcdef01234567");
        assertThat(Tracing.root("Parent=53995c3f42cd8ad8;Sampled=1")).isEmpty();
        assertThat(Tracing.root(null)).isEmpty();
    }
}
