package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.ApiRateLimit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(LocalAws.class)
class DynamoDbApiRateCounterTest {

    static final TenantId ACME = new TenantId("acme");
    static final TenantId GLOBEX = new TenantId("globex");

    private Instant now = Instant.parse("2026-11-21T10:00:00.200Z");
    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "ratelimit");
    }

    /** One take at {@code now}, as a function instance whose clock reads that time. */
    private ApiRateLimit.Decision take(TenantId tenant, ApiRateLimit.Plan plan) {
        return new DynamoDbApiRateCounter(dynamo, table, Clock.fixed(now, ZoneOffset.UTC)).take(tenant, plan);
    }

    private int admitted(TenantId tenant, ApiRateLimit.Plan plan, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (take(tenant, plan).admitted()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aSecondTakesAtMostTheBurstAndTheNextSecondMore() {
        ApiRateLimit.Plan plan = new ApiRateLimit.Plan("default", 5, 3);
        assertThat(admitted(ACME, plan, 3)).isEqualTo(3);
        ApiRateLimit.Decision refused = take(ACME, plan);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).as("the next second").isEqualTo(1);
        assertThat(admitted(GLOBEX, plan, 3)).as("another tenant counts alone").isEqualTo(3);
        now = now.plusSeconds(1);
        assertThat(admitted(ACME, plan, 5)).isEqualTo(3);
    }

    @Test
    void aFullWindowWaitsForTheNextWindowWhateverTheBurst() {
        ApiRateLimit.Plan plan = new ApiRateLimit.Plan("default", 2, 15);   // 20 per 10 s window, 15 in a second
        assertThat(admitted(ACME, plan, 20)).isEqualTo(15);
        now = now.plusSeconds(3);                                   // 10:00:03.200
        assertThat(admitted(ACME, plan, 20)).isEqualTo(5);
        ApiRateLimit.Decision refused = take(ACME, plan);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).as("until 10:00:10").isEqualTo(7);
        now = Instant.parse("2026-11-21T10:00:10Z");
        assertThat(take(ACME, plan).admitted()).isTrue();

        var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(TableItems.key(TableItems.rate(ACME),
                Long.toString(Instant.parse("2026-11-21T10:00:00Z").getEpochSecond())))).item();
        assertThat(item.get("requests").n()).isEqualTo("20");
        assertThat(item.get("s0").n()).isEqualTo("15");
        assertThat(Long.parseLong(item.get("expiresAt").n())).as("expires a minute after its window")
                .isEqualTo(Instant.parse("2026-11-21T10:01:10Z").getEpochSecond());
    }
}
