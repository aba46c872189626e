package io.wabridge.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerifyChallengeTest {

    private final VerifyChallenge verify = new VerifyChallenge("verify-me");

    @Test
    void echoesTheChallengeWhenModeAndTokenMatch() {
        assertThat(verify.answer("subscribe", "verify-me", "1158201444")).contains("1158201444");
    }

    @Test
    void refusesWrongTokenModeOrMissingParts() {
        assertThat(verify.answer("subscribe", "verify-mE", "1")).isEmpty();
        assertThat(verify.answer("subscribe", "verify-me-too", "1")).isEmpty();
        assertThat(verify.answer("unsubscribe", "verify-me", "1")).isEmpty();
        assertThat(verify.answer(null, "verify-me", "1")).isEmpty();
        assertThat(verify.answer("subscribe", null, "1")).isEmpty();
        assertThat(verify.answer("subscribe", "verify-me", null)).isEmpty();
        assertThat(verify.answer("subscribe", "verify-me", "")).isEmpty();
    }
}
