package io.wabridge.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import io.wabridge.core.notify.Notification;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusEffectsTest {

    private static final String SEND = "msg_0123456789abcdef0123456789abcdef";
    private static final String NOTIFICATION_SEND = Notification.SEND_ID_PREFIX + "0123456789abcdef0123456789abcdef";

    private static StatusChanged status(MessageStatus s, String category, String type, String callbackData) {
        return new StatusChanged(new PhoneNumberId("106540352242922"), new Wamid("wamid.X"), s, Instant.ofEpochSecond(10), "6281",
                null, null, category, type, callbackData);
    }

    @Test
    void aWaBridgeSendIsConfirmedWithTheSaasValueLeftOutAndAForeignValueConfirmsNothing() {
        assertThat(StatusEffects.of(status(MessageStatus.SENT, null, null, SEND + "|order-7")).confirmsSend()).isEqualTo(SEND);
        assertThat(StatusEffects.of(status(MessageStatus.SENT, null, null, "order-7")).confirmsSend()).isNull();
        assertThat(StatusEffects.of(status(MessageStatus.SENT, null, null, null)).confirmsSend()).isNull();
    }

    @Test
    void pricingCountsItsCategoryAndTypeAndThePricedTotalWithAnUnknownTypeNamed() {
        assertThat(StatusEffects.of(status(MessageStatus.SENT, "utility", "regular", null)).pricing())
                .isEqualTo(new StatusEffects.Pricing("utility", "regular", List.of("utility#regular", "priced")));
        assertThat(StatusEffects.of(status(MessageStatus.SENT, "marketing", null, null)).pricing())
                .isEqualTo(new StatusEffects.Pricing("marketing", "unknown", List.of("marketing#unknown", "priced")));
        assertThat(StatusEffects.of(status(MessageStatus.DELIVERED, null, null, null)).pricing()).isNull();
    }

    @Test
    void aNotificationSendCountsDeliveredAndReadTheFirstTimeTheyAreReached() {
        StatusEffects read = StatusEffects.of(status(MessageStatus.READ, null, null, NOTIFICATION_SEND));
        assertThat(read.notification()).isTrue();
        assertThat(read.notificationCounters(0, MessageStatus.READ)).as("a read that overtook its delivered counts both")
                .containsExactly("delivered", "read");
        assertThat(read.notificationCounters(MessageStatus.DELIVERED.rank(), MessageStatus.READ)).containsExactly("read");
        assertThat(read.notificationCounters(MessageStatus.SENT.rank(), MessageStatus.DELIVERED)).containsExactly("delivered");
        assertThat(read.notificationCounters(MessageStatus.READ.rank(), MessageStatus.PLAYED)).isEmpty();
        assertThat(read.notificationCounters(0, MessageStatus.SENT)).isEmpty();
        assertThat(read.notificationCounters(MessageStatus.SENT.rank(), MessageStatus.FAILED)).as("a failure counts nothing").isEmpty();
    }

    @Test
    void otherSendsCountNoNotificationStatus() {
        StatusEffects other = StatusEffects.of(status(MessageStatus.READ, null, null, SEND));
        assertThat(other.notification()).isFalse();
        assertThat(other.notificationCounters(0, MessageStatus.READ)).isEmpty();
        assertThat(StatusEffects.of(status(MessageStatus.READ, null, null, null)).notificationCounters(0, MessageStatus.READ)).isEmpty();
    }
}
