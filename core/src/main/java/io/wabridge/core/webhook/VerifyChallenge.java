package io.wabridge.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Meta's webhook verification handshake: {@code GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..}.
 * Answers the challenge only when the mode is {@code subscribe} and the verify token matches
 * (constant-time compare).
 */
public final class VerifyChallenge {

    private final byte[] verifyToken;

    public VerifyChallenge(String verifyToken) {
        if (verifyToken == null || verifyToken.isEmpty()) {
            throw new IllegalArgumentException("verify token must not be empty");
        }
        this.verifyToken = verifyToken.getBytes(StandardCharsets.UTF_8);
    }

    /** The challenge to echo, or empty if the request must be refused. */
    public Optional<String> answer(String mode, String token, String challenge) {
        if (!"subscribe".equals(mode) || token == null || challenge == null || challenge.isEmpty()) {
            return Optional.empty();
        }
        boolean matches = MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8));
        return matches ? Optional.of(challenge) : Optional.empty();
    }

    @Override
    public String toString() {
        return "VerifyChallenge[token=***]";
    }
}
