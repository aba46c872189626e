package io.wabridge.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.ReEncryptSecrets;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretStore;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyRotationHandlerTest {

    private static final String DEFAULT = "arn:aws:kms:us-east-1:111111111111:key/default";

    /** An empty store: rotation has nothing to move, which is enough to check the handler's mapping. */
    private static final SecretStore EMPTY = new SecretStore() {
        public void put(SecretContext c, EncryptedSecret s) {
        }

        public Optional<EncryptedSecret> get(SecretContext c) {
            return Optional.empty();
        }

        public void delete(SecretContext c) {
        }

        public boolean replace(SecretContext c, EncryptedSecret expected, EncryptedSecret replacement) {
            return false;
        }

        public Page notUnderKey(String keyId, String cursor, int limit) {
            return new Page(List.of(), null);
        }
    };

    /** Never called with an empty store. */
    private static final TokenCipher UNUSED = new TokenCipher() {
        public EncryptedSecret encrypt(SecretContext c, SecretValue p) {
            throw new AssertionError("not expected");
        }

        public SecretValue decrypt(SecretContext c, EncryptedSecret s) {
            throw new AssertionError("not expected");
        }

        public EncryptedSecret rewrap(SecretContext c, EncryptedSecret s, String targetKeyId) {
            throw new AssertionError("not expected");
        }
    };

    private final List<String> targets = new ArrayList<>();
    private final KeyRotationHandler handler = new KeyRotationHandler(DEFAULT, target -> {
        targets.add(target);
        return new ReEncryptSecrets(EMPTY, UNUSED, target);
    });

    @Test
    void defaultsToTheStacksKeyAndReportsTheRun() {
        Map<String, Object> out = handler.handleRequest(null, null);
        assertThat(targets).containsExactly(DEFAULT);
        assertThat(out).containsEntry("complete", true).containsEntry("reEncrypted", 0).containsEntry("targetKeyArn", DEFAULT);
    }

    @Test
    void refusesATargetThatIsNotAKeyArn() {
        assertThatThrownBy(() -> handler.handleRequest(Map.of("targetKeyArn", "alias/foo"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KMS key ARN");
        assertThat(targets).isEmpty();
    }
}
