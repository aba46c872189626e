package io.wabridge.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.MovableClock;
import io.wabridge.core.inbound.AccountChange;
import io.wabridge.core.inbound.RecordingEvents;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyAccountEventTest {

    static final TenantId ACME = new TenantId("acme");
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final InMemoryChannels channels = new InMemoryChannels();
    final RecordingEvents events = new RecordingEvents();
    final List<String> released = new ArrayList<>();
    final ApplyAccountEvent apply = new ApplyAccountEvent(channels, events, c -> released.add(c.phoneNumberId()), clock);

    {
        channels.save(channel("111", "W1", "+1 555-078-3881"));
        channels.save(channel("222", "W1", "+1 555-078-3882"));
        channels.save(channel("333", "W2", "+1 555-078-3881"));
    }

    static Channel channel(String pn, String waba, String display) {
        return new Channel(ACME, pn, waba, "B1", display, "Toko", "GREEN", "TIER_1K", "STANDARD", Channel.Status.ACTIVE, null, false,
                List.of(), null, Instant.parse("2026-11-01T00:00:00Z"), null);
    }

    Channel.Status status(String pn) {
        return channels.get(ACME, pn).orElseThrow().status();
    }

    @Test
    void aBanChangesEveryChannelOfTheWabaAtOnceWithOneEventEachAndReinstatementReversesIt() {
        var ban = new AccountChange.WabaChange("W1", "DISABLED_UPDATE", AccountChange.WabaEffect.DISABLE, null);
        apply.apply(ACME, ban, "k1");
        apply.apply(ACME, ban, "k1"); // Meta redelivers
        assertThat(List.of(status("111"), status("222"), status("333")))
                .containsExactly(Channel.Status.DISABLED, Channel.Status.DISABLED, Channel.Status.ACTIVE);
        assertThat(channels.get(ACME, "111").orElseThrow().statusReason()).isEqualTo("DISABLED_UPDATE");
        assertThat(events.ofType("channel.disabled")).extracting(e -> e.detail().get("phoneNumberId")).containsExactlyInAnyOrder("111", "222");

        apply.apply(ACME, new AccountChange.WabaChange("W1", "DISABLED_UPDATE", AccountChange.WabaEffect.REINSTATE, null), "k2");
        assertThat(List.of(status("111"), status("222"))).containsOnly(Channel.Status.ACTIVE);
        assertThat(channels.get(ACME, "111").orElseThrow().statusReason()).isNull();
        assertThat(released).containsExactlyInAnyOrder("111", "222");
        assertThat(events.ofType("channel.reinstated")).hasSize(2);
    }

    @Test
    void anAppRemovalDisconnectsUntilSignupAndARestrictionKeepsItsEnd() {
        Instant until = Instant.parse("2026-11-29T10:00:00Z");
        apply.apply(ACME, new AccountChange.WabaChange("W1", "ACCOUNT_RESTRICTION", AccountChange.WabaEffect.RESTRICT, until), "k1");
        assertThat(channels.get(ACME, "222").orElseThrow().statusUntil()).isEqualTo(until);
        assertThat(events.ofType("channel.restricted").get(0).detail()).containsEntry("until", until.toString());
        apply.apply(ACME, new AccountChange.WabaChange("W1", "PARTNER_APP_UNINSTALLED", AccountChange.WabaEffect.DISCONNECT, null), "k2");
        assertThat(status("111")).isEqualTo(Channel.Status.DISCONNECTED);
        assertThat(channels.get(ACME, "111").orElseThrow().heldByMeta()).isTrue();
        apply.apply(ACME, new AccountChange.WabaChange("W1", "DISABLED_UPDATE", AccountChange.WabaEffect.REINSTATE, null), "k3");
        assertThat(status("111")).as("only signup gives a new token").isEqualTo(Channel.Status.DISCONNECTED);
        assertThat(released).isEmpty();
    }

    @Test
    void aNumberEventFindsTheChannelByItsDisplayDigitsOnItsWaba() {
        apply.apply(ACME, new AccountChange.NumberChange("W1", "15550783881", "UPGRADE", null, "TIER_10K", null, null), "k1");
        apply.apply(ACME, new AccountChange.NumberChange("W1", "15550783881", "THROUGHPUT_UPGRADE", null, null, "HIGH", null), "k2");
        apply.apply(ACME, new AccountChange.NumberChange("W1", "15550783881", "NAME_UPDATE", null, null, null, "APPROVED"), "k3");
        Channel c = channels.get(ACME, "111").orElseThrow();
        assertThat(List.of(c.messagingLimit(), c.throughput(), c.health().nameStatus(), c.qualityRating()))
                .containsExactly("TIER_10K", "HIGH", "APPROVED", "GREEN");
        assertThat(channels.get(ACME, "222").orElseThrow().messagingLimit()).isEqualTo("TIER_1K");
        assertThat(channels.get(ACME, "333").orElseThrow().messagingLimit()).as("the same digits on another WABA").isEqualTo("TIER_1K");
    }

    @Test
    void aReinstatementWhoseReleaseFailedReleasesOnTheRetryAndAFailedPublishIsRetriedWithTheChange() {
        apply.apply(ACME, new AccountChange.WabaChange("W1", "DISABLED_UPDATE", AccountChange.WabaEffect.DISABLE, null), "k1");
        boolean[] failNext = {true};
        ApplyAccountEvent flaky = new ApplyAccountEvent(channels, events, c -> {
            if (failNext[0]) {
                failNext[0] = false;
                throw new IllegalStateException("queue unavailable");
            }
            released.add(c.phoneNumberId());
        }, clock);
        var reinstate = new AccountChange.WabaChange("W1", "DISABLED_UPDATE", AccountChange.WabaEffect.REINSTATE, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> flaky.apply(ACME, reinstate, "k2")).isInstanceOf(IllegalStateException.class);
        flaky.apply(ACME, reinstate, "k2"); // the queue's retry of the same update
        assertThat(released).containsExactlyInAnyOrder("111", "222");
        assertThat(events.ofType("channel.reinstated")).hasSize(2);

        RecordingEvents failing = new RecordingEvents();
        boolean[] busDown = {true};
        io.wabridge.core.inbound.DomainEvents bus = new io.wabridge.core.inbound.DomainEvents() {
            @Override
            public void publish(io.wabridge.core.inbound.DomainEvent event) {
                if (busDown[0]) {
                    busDown[0] = false;
                    throw new IllegalStateException("bus unavailable");
                }
                failing.publish(event);
            }

            @Override
            public boolean published(String key) {
                return failing.published(key);
            }

            @Override
            public void markPublished(String key) {
                failing.markPublished(key);
            }
        };
        ApplyAccountEvent publishing = new ApplyAccountEvent(channels, bus, c -> { }, clock);
        var removed = new AccountChange.WabaChange("W1", "PARTNER_REMOVED", AccountChange.WabaEffect.DISCONNECT, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> publishing.apply(ACME, removed, "k3")).isInstanceOf(IllegalStateException.class);
        publishing.apply(ACME, removed, "k3");
        assertThat(failing.ofType("channel.disconnected")).hasSize(2);
        assertThat(List.of(status("111"), status("222"))).containsOnly(Channel.Status.DISCONNECTED);
    }
}
