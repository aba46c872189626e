package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.localaws.LocalAwsParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

@ExtendWith(LocalAws.class)
class SecretsManagerSecretsTest {

    @Test
    void readsASecretThroughTheRealClientOncePerContainer(LocalAwsParts parts, Wiring wiring) throws Exception {
        String arn = parts.secrets().ensure("test/app-secret-" + System.nanoTime(), 24);
        String expected = parts.secrets().value(arn.substring(arn.indexOf(":secret:") + 8)).orElseThrow();
        long before = parts.secrets().reads();
        SecretsManagerSecrets secrets = wiring.secrets();
        assertThat(secrets.get(arn)).isEqualTo(expected).hasSize(24);
        assertThat(secrets.get(arn)).isEqualTo(expected);
        assertThat(parts.secrets().reads() - before).isEqualTo(1);
    }

    @Test
    void anUnknownSecretFailsWithSecretsManagersOwnError(Wiring wiring) {
        assertThatThrownBy(() -> wiring.secrets().get("arn:aws:secretsmanager:us-east-1:000000000000:secret:nope"))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
