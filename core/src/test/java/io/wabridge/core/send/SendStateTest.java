package io.wabridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A send's state travels as the lowercase name the API and the outbox have always used. */
class SendStateTest {

    @Test
    void wireNamesAreTheStatesTheApiAndTheTableHold() {
        assertThat(Arrays.stream(SendState.values()).map(SendState::wireName))
                .containsExactly("queued", "sending", "sent", "retrying", "unconfirmed", "held", "failed");
        for (SendState s : SendState.values()) {
            assertThat(SendState.of(s.wireName())).isSameAs(s);
        }
        assertThat(SendState.SENT.settled()).isTrue();
        assertThat(SendState.FAILED.settled()).isTrue();
        assertThat(SendState.UNCONFIRMED.settled()).isFalse();
        assertThatThrownBy(() -> SendState.of("SENT")).isInstanceOf(IllegalArgumentException.class);
    }
}
