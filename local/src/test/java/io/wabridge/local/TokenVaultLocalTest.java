package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault on the local runtime: the template's KMS key, the local key service, and rotation through Lambda's Invoke API. */
class TokenVaultLocalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void secretsSurviveARestartAndRotateToANewKey() throws Exception {
        SecretContext acme = new SecretContext("acme", "106540352242922", SecretField.BUSINESS_TOKEN);
        String templateKey;
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null))) {
            Wiring wiring = new Wiring(AppConfig.of(runtime.function("KeyRotationFunction").definition().environment()));
            templateKey = wiring.config().tokenKeyArn();
            assertThat(templateKey).startsWith("arn:aws:kms:us-east-1:000000000000:key/");
            TokenVault vault = wiring.tokenVault();
            vault.put(acme, SecretValue.of("EAAG-acme"));
            for (int i = 0; i < 20; i++) {
                vault.put(new SecretContext("t" + i, "1" + i, SecretField.REGISTRATION_PIN), SecretValue.of("1234" + (10 + i)));
            }
        }
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null))) {
            Wiring wiring = new Wiring(AppConfig.of(runtime.function("KeyRotationFunction").definition().environment()));
            assertThat(wiring.config().tokenKeyArn()).isEqualTo(templateKey);
            assertThat(wiring.tokenVault().reveal(acme)).map(SecretValue::reveal).contains("EAAG-acme");

            String newKey = wiring.kms().createKey(r -> r.description("next")).keyMetadata().arn();
            URI invoke = URI.create(runtime.adminUrl() + "/2015-03-31/functions/KeyRotationFunction/invocations");
            HttpResponse<String> first = Http.post(invoke, ("{\"targetKeyArn\":\"" + newKey + "\",\"maxSecrets\":15}").getBytes(StandardCharsets.UTF_8));
            JsonNode r1 = JSON.readTree(first.body());
            assertThat(r1.path("reEncrypted").asInt()).isEqualTo(15);
            assertThat(r1.path("complete").asBoolean()).isFalse();
            JsonNode r2 = JSON.readTree(Http.post(invoke, ("{\"targetKeyArn\":\"" + newKey + "\"}").getBytes(StandardCharsets.UTF_8)).body());
            assertThat(r2.path("reEncrypted").asInt()).isEqualTo(6);
            assertThat(r2.path("complete").asBoolean()).isTrue();
            assertThat(wiring.tokenVault().reveal(acme)).map(SecretValue::reveal).contains("EAAG-acme");

            HttpResponse<String> bad = Http.post(invoke, "{\"targetKeyArn\":\"alias/nope\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(JSON.readTree(bad.body()).path("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
            HttpResponse<String> missing = Http.post(URI.create(runtime.adminUrl() + "/2015-03-31/functions/Nope/invocations"), new byte[0]);
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }
}
