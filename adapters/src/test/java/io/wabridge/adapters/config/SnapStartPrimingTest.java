package io.wabridge.adapters.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.core.random.Entropy;
import io.wabridge.localaws.LocalAwsParts;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SnapStart hooks against the real local parts: priming leaves no trace, and a restore renews the randomness. */
@ExtendWith(LocalAws.class)
class SnapStartPrimingTest {

    @Test
    void aDryRunRequestIsSignedButNeverSentNorRetried(Wiring wiring, LocalAwsParts parts) {
        String queue = wiring.sqs().createQueue(r -> r.queueName("priming-" + UUID.randomUUID())).queueUrl();
        long before = SnapStartPriming.stoppedRequests();

        SnapStartPriming.dryRun(() -> wiring.sqs().sendMessage(r -> r.queueUrl(queue).messageBody("not for real")));
        SnapStartPriming.dryRun(() -> wiring.media().put("priming/probe", new byte[] {1}, "application/octet-stream"));

        assertThat(SnapStartPriming.stoppedRequests() - before).as("one attempt each, no retry").isEqualTo(2);
        assertThat(wiring.sqs().receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
        assertThat(wiring.media().size("priming/probe")).isEmpty();
        // Outside a dry run the same client sends as usual.
        wiring.sqs().sendMessage(r -> r.queueUrl(queue).messageBody("real"));
        assertThat(wiring.sqs().receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages()).hasSize(1);
    }

    @Test
    void primingTouchesEveryBuiltClientWritesNothingAndARestoreRenewsTheRandomGenerator(LocalAwsParts parts) throws Exception {
        Wiring wiring = LocalAws.wiring(parts, Map.of());
        String table = LocalAws.createTable(wiring.dynamo(), "priming");
        wiring = LocalAws.wiring(parts, Map.of("TABLE_NAME", table, "MEDIA_BUCKET", "priming-bucket"));
        parts.s3().ensureBucket("priming-bucket");
        wiring.dynamo();
        wiring.sqs();
        wiring.kms();
        wiring.media();
        SnapStartPriming.register(wiring);
        var generator = Entropy.secureRandom();
        long stopped = SnapStartPriming.stoppedRequests();

        SnapStartPriming.simulateSnapshot();

        assertThat(SnapStartPriming.stoppedRequests() - stopped).as("sqs, kms and s3 requests stopped unsent").isGreaterThanOrEqualTo(3);
        assertThat(wiring.dynamo().scan(r -> r.tableName(table)).count()).as("the table stays empty").isZero();
        assertThat(wiring.media().size("priming/object")).isEmpty();
        assertThat(Entropy.secureRandom()).as("a new generator after the restore").isNotSameAs(generator);
        wiring.media().put("after/restore", new byte[] {1}, "application/octet-stream"); // requests go out again
        assertThat(wiring.media().size("after/restore")).hasValue(1);
    }
}
