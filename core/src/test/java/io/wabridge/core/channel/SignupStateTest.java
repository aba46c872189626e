package io.wabridge.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.inbound.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignupStateTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef-key".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    final SignupState states = new SignupState(KEY);

    @Test
    void aStateNamesItsSessionAndTenantUntilItExpires() {
        String state = states.issue(new SignupState.Claims("s1", new TenantId("acme"), NOW.plusSeconds(900)));
        assertThat(states.verify(state, NOW)).isEqualTo(new SignupState.Claims("s1", new TenantId("acme"), NOW.plusSeconds(900)));
        assertThatThrownBy(() -> states.verify(state, NOW.plusSeconds(900)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("state_expired"));
    }

    @Test
    void aChangedTenantExpiryOrKeyIsRefused() {
        String state = states.issue(new SignupState.Claims("s1", new TenantId("acme"), NOW.plusSeconds(900)));
        String[] parts = state.split("\\.");
        String otherTenant = String.join(".", parts[0], parts[1], "Z2xvYmV4", parts[3], parts[4]);
        String later = String.join(".", parts[0], parts[1], parts[2], Long.toString(NOW.plusSeconds(99_999).getEpochSecond()), parts[4]);
        for (String forged : new String[] {otherTenant, later, "v1.x", "", null}) {
            assertThatThrownBy(() -> states.verify(forged, NOW))
                    .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("state_invalid"));
        }
        SignupState otherKey = new SignupState("another-key-another-key-another-key!".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> otherKey.verify(state, NOW)).isInstanceOf(SignupRejected.class);
        assertThatThrownBy(() -> new SignupState(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }
}
