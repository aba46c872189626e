package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The per-number budget that keeps sends under Meta's throughput (130429), against DynamoDB Local: the local
 * send bench cannot offer 80 sends a second to one number, so this is where the limit is proven.
 */
@ExtendWith(LocalAws.class)
class DynamoDbSendPacerTest {

    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "pacer");
    }

    private DynamoDbSendPacer pacerAt(String instant) {
        return new DynamoDbSendPacer(dynamo, table, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    @Test
    void senderInstancesTogetherTakeAtMostTheNumbersRateInASecond() throws Exception {
        // 8 sender instances, 15 tries each, in one second: 120 tries for a budget of 80.
        List<Callable<Integer>> instances = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            DynamoDbSendPacer pacer = pacerAt("2026-11-22T10:00:00." + (100 + i * 100) + "Z");
            instances.add(() -> {
                int taken = 0;
                for (int t = 0; t < 15; t++) {
                    taken += pacer.tryAcquire("111", 80) ? 1 : 0;
                }
                return taken;
            });
        }
        int taken = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> f : pool.invokeAll(instances)) {
                taken += f.get();
            }
        }
        assertThat(taken).isEqualTo(80);
        assertThat(pacerAt("2026-11-22T10:00:00.999Z").tryAcquire("222", 80)).as("another number has its own budget").isTrue();
        assertThat(pacerAt("2026-11-22T10:00:01.000Z").tryAcquire("111", 80)).as("the next second starts afresh").isTrue();
    }

    @Test
    void aNumberTakesTheRateItIsGiven() {
        DynamoDbSendPacer pacer = pacerAt("2026-11-22T10:00:00.500Z");
        int taken = 0;
        for (int t = 0; t < 210; t++) {
            taken += pacer.tryAcquire("333", 200) ? 1 : 0;
        }
        assertThat(taken).isEqualTo(200);
    }
}
