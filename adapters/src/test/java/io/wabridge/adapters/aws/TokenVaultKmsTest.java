package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.adapters.LocalAws;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.token.CachingTokenCipher;
import io.wabridge.core.token.EncryptedSecret;
import io.wabridge.core.token.ReEncryptSecrets;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenCipher;
import io.wabridge.core.token.TokenCipher.Reason;
import io.wabridge.core.token.TokenVault;
import io.wabridge.localaws.LocalAwsParts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;

/** The token vault through the real KmsClient against the local key service, and the real table. */
@ExtendWith(LocalAws.class)
class TokenVaultKmsTest {

    private static final String TOKEN = "EAAGm0PX4ZCpsBAJ-planted-business-token";
    private static final SecretContext ACME = new SecretContext("acme", "106540352242922", SecretField.BUSINESS_TOKEN);

    private LocalAwsParts parts;
    private Wiring wiring;
    private KmsClient kms;
    private String keyArn;
    private String table;

    @BeforeEach
    void setUp(LocalAwsParts parts) throws Exception {
        this.parts = parts;
        String keyId = UUID.randomUUID().toString();
        keyArn = parts.kms().ensureKey(keyId, "test key");
        table = LocalAws.createTable(LocalAws.wiring(parts, Map.of()).dynamo(), "vault");
        wiring = LocalAws.wiring(parts, Map.of("TOKEN_KEY_ARN", keyArn, "TABLE_NAME", table));
        kms = wiring.kms();
    }

    private KmsEnvelopeTokenCipher cipher() {
        return new KmsEnvelopeTokenCipher(kms, keyArn);
    }

    private static void assertUnreadable(ThrowableAssert.ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenCipher.SecretUnreadable.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).doesNotContain(TOKEN);
        });
    }

    @Test
    void roundTripsUnderItsContextAndRecordsTheKey() {
        EncryptedSecret secret = cipher().encrypt(ACME, SecretValue.of(TOKEN));
        assertThat(secret.keyId()).isEqualTo(keyArn);
        assertThat(secret.nonce()).hasSize(12);
        assertThat(new String(secret.ciphertext(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("planted");
        assertThat(cipher().decrypt(ACME, secret).reveal()).isEqualTo(TOKEN);
        assertThat(cipher().decrypt(ACME, EncryptedSecret.decode(secret.encode())).reveal()).isEqualTo(TOKEN);
    }

    @Test
    void aCiphertextCopiedToAnotherTenantChannelOrFieldDoesNotDecrypt() {
        EncryptedSecret secret = cipher().encrypt(ACME, SecretValue.of(TOKEN));
        assertUnreadable(() -> cipher().decrypt(new SecretContext("globex", "106540352242922", SecretField.BUSINESS_TOKEN), secret),
                Reason.WRONG_CONTEXT_OR_TAMPERED);
        assertUnreadable(() -> cipher().decrypt(new SecretContext("acme", "999", SecretField.BUSINESS_TOKEN), secret),
                Reason.WRONG_CONTEXT_OR_TAMPERED);
        assertUnreadable(() -> cipher().decrypt(new SecretContext("acme", "106540352242922", SecretField.REGISTRATION_PIN), secret),
                Reason.WRONG_CONTEXT_OR_TAMPERED);
    }

    @Test
    void tamperingIsDetected() {
        EncryptedSecret secret = cipher().encrypt(ACME, SecretValue.of(TOKEN));
        byte[] ct = secret.ciphertext();
        ct[0] ^= 1;
        assertUnreadable(() -> cipher().decrypt(ACME, new EncryptedSecret(1, secret.keyId(), secret.encryptedDataKey(), secret.nonce(), ct)),
                Reason.WRONG_CONTEXT_OR_TAMPERED);
        byte[] edk = secret.encryptedDataKey();
        edk[edk.length - 1] ^= 1;
        assertUnreadable(() -> cipher().decrypt(ACME, new EncryptedSecret(1, secret.keyId(), edk, secret.nonce(), secret.ciphertext())),
                Reason.WRONG_CONTEXT_OR_TAMPERED);
        assertUnreadable(() -> cipher().decrypt(ACME, new EncryptedSecret(7, secret.keyId(), secret.encryptedDataKey(), secret.nonce(),
                secret.ciphertext())), Reason.UNKNOWN_FORMAT);
    }

    @Test
    void keyServiceFailuresAreTyped() {
        EncryptedSecret secret = cipher().encrypt(ACME, SecretValue.of(TOKEN));
        String keyId = keyArn.substring(keyArn.indexOf(":key/") + 5);
        kms.disableKey(r -> r.keyId(keyId));
        assertUnreadable(() -> cipher().decrypt(ACME, secret), Reason.KEY_REFUSED);
        kms.enableKey(r -> r.keyId(keyId));
        assertThat(cipher().decrypt(ACME, secret).reveal()).isEqualTo(TOKEN);

        Wiring unreachable = new Wiring(io.wabridge.adapters.config.AppConfig.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local", "AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1")));
        assertUnreadable(() -> new KmsEnvelopeTokenCipher(unreachable.kms(), keyArn).decrypt(ACME, secret), Reason.KEY_SERVICE_UNAVAILABLE);
    }

    @Test
    void aWarmSenderCallsKmsOncePerChannelPerCachePeriod() {
        CachingTokenCipher cache = new CachingTokenCipher(cipher(), Duration.ofMinutes(5), 10_000, Clock.systemUTC());
        int channels = 50;
        EncryptedSecret[] secrets = new EncryptedSecret[channels];
        for (int i = 0; i < channels; i++) {
            secrets[i] = cipher().encrypt(new SecretContext("t" + i, Integer.toString(1000 + i), SecretField.BUSINESS_TOKEN),
                    SecretValue.of("token-" + i));
        }
        long before = parts.kms().calls("Decrypt");
        for (int send = 0; send < 10_000; send++) {
            int c = send % channels;
            assertThat(cache.decrypt(new SecretContext("t" + c, Integer.toString(1000 + c), SecretField.BUSINESS_TOKEN), secrets[c])
                    .reveal()).isEqualTo("token-" + c);
        }
        assertThat(parts.kms().calls("Decrypt") - before).isEqualTo(channels);
        assertThat(cache.hits()).isEqualTo(10_000 - channels);
    }

    @Test
    void theVaultStoresInTheTableAndRotatesToANewKey() {
        TokenVault vault = wiring.tokenVault();
        for (int i = 0; i < 30; i++) {
            vault.put(new SecretContext("tenant" + i, "2000" + i, SecretField.BUSINESS_TOKEN), SecretValue.of("token-" + i));
        }
        vault.put(ACME, SecretValue.of(TOKEN));
        assertThat(vault.reveal(ACME)).map(SecretValue::reveal).contains(TOKEN);

        String newKeyArn = kms.createKey(r -> r.description("rotated")).keyMetadata().arn();
        DynamoDbSecretStore store = new DynamoDbSecretStore(wiring.dynamo(), table);
        ReEncryptSecrets move = new ReEncryptSecrets(store, new KmsEnvelopeTokenCipher(kms, newKeyArn), newKeyArn);
        EncryptedSecret before = store.get(ACME).orElseThrow();
        long dataKeys = parts.kms().calls("GenerateDataKey");
        long decrypts = parts.kms().calls("Decrypt");
        long reEncrypts = parts.kms().calls("ReEncrypt");
        ReEncryptSecrets.Result partial = move.run(12, 5);
        assertThat(partial.reEncrypted()).isEqualTo(12);
        assertThat(partial.complete()).isFalse();
        ReEncryptSecrets.Result rest = move.run(1000, 5);
        assertThat(rest.reEncrypted()).isEqualTo(19);
        assertThat(rest.complete()).isTrue();
        assertThat(move.run(1000, 5).reEncrypted()).isZero();
        assertThat(store.get(ACME).orElseThrow().keyId()).isEqualTo(newKeyArn);
        // Rotation re-wraps data keys inside KMS: no new data key, no plaintext data key out of KMS.
        assertThat(parts.kms().calls("ReEncrypt") - reEncrypts).isEqualTo(31);
        assertThat(parts.kms().calls("GenerateDataKey")).isEqualTo(dataKeys);
        assertThat(parts.kms().calls("Decrypt")).isEqualTo(decrypts);
        EncryptedSecret after = store.get(ACME).orElseThrow();
        assertThat(after.nonce()).isEqualTo(before.nonce());
        assertThat(after.ciphertext()).isEqualTo(before.ciphertext());
        assertThat(after.encryptedDataKey()).isNotEqualTo(before.encryptedDataKey());
        assertThat(after.formatVersion()).isEqualTo(before.formatVersion());
        // A fresh vault (another container) reads the moved secrets.
        assertThat(new TokenVault(new KmsEnvelopeTokenCipher(kms, newKeyArn), store).reveal(ACME)).map(SecretValue::reveal).contains(TOKEN);
        EncryptedSecret current = store.get(ACME).orElseThrow();
        assertThat(store.replace(ACME, cipher().encrypt(ACME, SecretValue.of("stale")), current)).isFalse();
    }

    @Test
    void reWrappingKeepsTheContextBinding() {
        EncryptedSecret sealed = cipher().encrypt(ACME, SecretValue.of(TOKEN));
        String newKeyArn = kms.createKey(r -> r.description("rewrap")).keyMetadata().arn();
        KmsEnvelopeTokenCipher target = new KmsEnvelopeTokenCipher(kms, newKeyArn);
        SecretContext globex = new SecretContext("globex", ACME.phoneNumberId(), ACME.field());
        assertThatThrownBy(() -> target.rewrap(globex, sealed, newKeyArn)).isInstanceOf(TokenCipher.SecretUnreadable.class);
        EncryptedSecret moved = target.rewrap(ACME, sealed, newKeyArn);
        assertThat(moved.keyId()).isEqualTo(newKeyArn);
        assertThat(target.decrypt(ACME, moved).reveal()).isEqualTo(TOKEN);
        assertThatThrownBy(() -> target.decrypt(globex, moved)).isInstanceOf(TokenCipher.SecretUnreadable.class);
    }

    @Test
    void noPlantedTokenReachesTheLogs() {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true);
        System.setErr(capture);
        System.setOut(capture);
        try {
            TokenVault vault = wiring.tokenVault();
            vault.put(ACME, SecretValue.of(TOKEN));
            System.out.println(vault.reveal(ACME).orElseThrow());
            System.out.println(wiring.tokenVault());
            EncryptedSecret secret = cipher().encrypt(ACME, SecretValue.of(TOKEN));
            System.out.println(secret);
            try {
                cipher().decrypt(new SecretContext("globex", "1", SecretField.BUSINESS_TOKEN), secret);
            } catch (TokenCipher.SecretUnreadable e) {
                e.printStackTrace();
            }
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertThat(captured.toString()).contains("SecretValue[***]").contains("SecretUnreadable").doesNotContain(TOKEN);
    }
}
