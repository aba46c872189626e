package io.wabridge.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.token.ReEncryptSecrets;
import io.wabridge.core.token.SecretStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyRotationHandlerTest {

    private static final String DEFAULT = "arn:aws:kms:us-east-1:111111111111:key/default";
    private final List<String> targets = new ArrayList<>();

    /** An empty store: rotation has nothing to move, which is enough to check the handler's mapping. */
    private final SecretStore empty = new SecretStore() {
        public void put(io.wabridge.core.token.SecretContext c, io.wabridge.core.token.EncryptedSecret s) {}

        public Optional<io.wabridge.core.token.EncryptedSecret> get(io.wabridge.core.token.SecretContext c) {
            return Optional.empty();
        }

        public boolean replace(io.wabridge.core.token.SecretContext c, io.wabridge.core.token.EncryptedSecret a,
                               io.wabridge.core.token.EncryptedSecret b) {
            return false;
        }

        public Page notUnderKey(String keyId, String cursor, int limit) {
            return new Page(List.of(), null);
        }
    };

    private final KeyRotationHandler handler = new KeyRotationHandler(DEFAULT, target -> {
        targets.add(target);
        return new ReEncryptSecrets(empty, null == target ? null : new io.wabridge.core.token.TokenCipher() {
            public io.wabridge.core.token.EncryptedSecret encrypt(io.wabridge.core.token.SecretContext c, io.wabridge.core.token.SecretValue p) {
                throw new AssertionError();
            }

            public io.wabridge.core.token.SecretValue decrypt(io.wabridge.core.token.SecretContext c, io.wabridge.core.token.EncryptedSecret s) {
                throw new AssertionError();
            }
        }, target);
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
    }
}
