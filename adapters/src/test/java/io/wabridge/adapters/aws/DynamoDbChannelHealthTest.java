package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The health check's items against DynamoDB Local: the channel index by slot, conditional saves, claims and budgets. */
@ExtendWith(LocalAws.class)
class DynamoDbChannelHealthTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    DynamoDbClient dynamo;
    String table;
    DynamoDbChannels channels;

    @BeforeEach
    void createTable(Wiring wiring) {
        dynamo = wiring.dynamo();
        table = LocalAws.createTable(dynamo, "health");
        channels = new DynamoDbChannels(dynamo, table);
    }

    static Channel channel(String tenant, String phone, Channel.Status status) {
        return new Channel(new TenantId(tenant), phone, "W1", "B1", "+62 811", "Toko", "GREEN", "TIER_2K", "STANDARD", status, null, false,
                List.of(), T0, T0, new Channel.Health(true, List.of("whatsapp_business_messaging"), "APPROVED", "CONNECTED", T0));
    }

    List<Channel> all(int from, int to) {
        List<Channel> out = new ArrayList<>();
        String cursor = null;
        do {
            Channels.Page page = channels.healthCheckable(from, to, 7, cursor);
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    @Test
    void activeAndNeedsReauthChannelsOfEveryTenantAreListedBySlotWithTheirHealth() {
        for (int i = 0; i < 40; i++) {
            channels.save(channel("t" + (i % 3), "1000" + i, i % 4 == 0 ? Channel.Status.NEEDS_REAUTH : Channel.Status.ACTIVE));
        }
        channels.save(channel("t0", "999", Channel.Status.DISCONNECTED));
        channels.save(channel("t1", "998", Channel.Status.ONBOARDING_INCOMPLETE));

        List<Channel> every = all(0, Channel.HEALTH_SLOTS);
        assertThat(every).hasSize(40).noneMatch(c -> c.phoneNumberId().startsWith("99"));
        assertThat(every.get(0).health()).isEqualTo(channel("t", "x", Channel.Status.ACTIVE).health());

        List<Channel> lower = all(0, 5000);
        List<Channel> upper = all(5000, Channel.HEALTH_SLOTS);
        assertThat(lower.size() + upper.size()).isEqualTo(40);
        assertThat(lower).allMatch(c -> c.healthSlot() < 5000);
        assertThat(upper).allMatch(c -> c.healthSlot() >= 5000);

        // Disconnecting takes the channel out of the index.
        Channel gone = every.get(3);
        channels.save(gone.withStatus(Channel.Status.DISCONNECTED, T0.plusSeconds(1)));
        assertThat(all(0, Channel.HEALTH_SLOTS)).hasSize(39).noneMatch(c -> c.phoneNumberId().equals(gone.phoneNumberId()));
    }

    @Test
    void replaceWritesOnlyOverTheVersionItRead() {
        Channel c = channel("acme", "111", Channel.Status.ACTIVE);
        channels.save(c);
        Channel red = c.withNumber("+62 811", "Toko", "RED", "TIER_2K", "STANDARD", false, T0.plusSeconds(5));
        assertThat(channels.replace(red, T0)).isTrue();
        assertThat(channels.replace(red.withHealth(c.health(), T0.plusSeconds(9)), T0)).as("changed since T0").isFalse();
        assertThat(channels.get(new TenantId("acme"), "111").orElseThrow().qualityRating()).isEqualTo("RED");
    }

    @Test
    void aChannelIsClaimedOncePerPeriodAndAReleasedClaimCanBeTakenAgain() {
        DynamoDbHealthLeases leases = new DynamoDbHealthLeases(dynamo, table);
        assertThat(leases.claim("111", 7, T0)).isTrue();
        assertThat(leases.claim("111", 7, T0)).isFalse();
        assertThat(leases.claim("111", 6, T0)).isFalse();
        leases.release("111", 7);
        assertThat(leases.claim("111", 7, T0)).isTrue();
        assertThat(leases.claim("111", 8, T0)).isTrue();
        leases.release("111", 7);
        assertThat(leases.claim("111", 8, T0)).as("a stale release leaves the later claim").isFalse();
    }

    @Test
    void aWabaBudgetIsSharedAndRenewedHourly() {
        DynamoDbCallBudget budget = new DynamoDbCallBudget(dynamo, table);
        assertThat(budget.take("W1", 2, 5, T0)).isTrue();
        assertThat(budget.take("W1", 2, 5, T0.plusSeconds(60))).isTrue();
        assertThat(budget.take("W1", 2, 5, T0.plusSeconds(120))).isFalse();
        assertThat(budget.take("W1", 1, 5, T0.plusSeconds(120))).isTrue();
        assertThat(budget.take("W2", 2, 5, T0)).isTrue();
        assertThat(budget.taken("W1", T0)).isEqualTo(5);
        assertThat(budget.take("W1", 2, 5, T0.plusSeconds(3600))).isTrue();
    }
}
