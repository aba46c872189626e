package io.wabridge.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenVaultTest {

    static final SecretContext ACME = new SecretContext("acme", "106540352242922", SecretField.BUSINESS_TOKEN);
    static final SecretContext GLOBEX = new SecretContext("globex", "106540352242922", SecretField.BUSINESS_TOKEN);

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-21T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void storesEncryptedAndRevealsTheSameSecret() {
        InMemorySecretStore store = new InMemorySecretStore();
        TokenVault vault = new TokenVault(new FakeCipher("k1"), store);
        vault.put(ACME, SecretValue.of("EAAG-token"));
        assertThat(vault.reveal(ACME)).map(SecretValue::reveal).contains("EAAG-token");
        assertThat(vault.reveal(GLOBEX)).isEmpty();
    }

    @Test
    void theCacheCallsTheKeyServiceOncePerSecretPerPeriod() {
        FakeCipher kms = new FakeCipher("k1");
        MutableClock clock = new MutableClock();
        CachingTokenCipher cache = new CachingTokenCipher(kms, Duration.ofMinutes(5), 100, clock);
        EncryptedSecret secret = kms.encrypt(ACME, SecretValue.of("t"));
        for (int i = 0; i < 1000; i++) {
            assertThat(cache.decrypt(ACME, secret).reveal()).isEqualTo("t");
        }
        assertThat(kms.decrypts.get()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(999);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        cache.decrypt(ACME, secret);
        assertThat(kms.decrypts.get()).isEqualTo(2);
    }

    @Test
    void theCacheIsBoundedAndNeverServesAnotherContext() {
        FakeCipher kms = new FakeCipher("k1");
        CachingTokenCipher cache = new CachingTokenCipher(kms, Duration.ofMinutes(5), 2, Clock.systemUTC());
        EncryptedSecret acme = kms.encrypt(ACME, SecretValue.of("a"));
        cache.decrypt(ACME, acme);
        assertThatThrownBy(() -> cache.decrypt(GLOBEX, acme)).isInstanceOf(TokenCipher.SecretUnreadable.class);
        for (int i = 0; i < 5; i++) {
            SecretContext c = new SecretContext("t" + i, "1", SecretField.REGISTRATION_PIN);
            cache.decrypt(c, kms.encrypt(c, SecretValue.of("p" + i)));
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.toString()).doesNotContain("p4");
    }

    @Test
    void reEncryptionMovesEverySecretOnceAndResumes() {
        InMemorySecretStore store = new InMemorySecretStore();
        FakeCipher oldKey = new FakeCipher("k-old");
        for (int i = 0; i < 25; i++) {
            SecretContext c = new SecretContext("t" + i, "1", SecretField.BUSINESS_TOKEN);
            store.put(c, oldKey.encrypt(c, SecretValue.of("token-" + i)));
        }
        FakeCipher newKey = new FakeCipher("k-new");
        ReEncryptSecrets move = new ReEncryptSecrets(store, newKey, "k-new");
        ReEncryptSecrets.Result first = move.run(10, 4);
        assertThat(first).isEqualTo(new ReEncryptSecrets.Result(10, 0, 0, false));
        ReEncryptSecrets.Result rest = move.run(100, 4);
        assertThat(rest).isEqualTo(new ReEncryptSecrets.Result(15, 0, 0, true));
        assertThat(move.run(100, 4)).isEqualTo(new ReEncryptSecrets.Result(0, 0, 0, true));
        assertThat(store.items.values()).allSatisfy(s -> assertThat(s.secret().keyId()).isEqualTo("k-new"));
        assertThat(newKey.rewraps.get()).isEqualTo(25);
        assertThat(newKey.decrypts.get() + newKey.encrypts.get()).as("no secret is decrypted or sealed anew").isZero();
        TokenVault vault = new TokenVault(newKey, store);
        assertThat(vault.reveal(new SecretContext("t7", "1", SecretField.BUSINESS_TOKEN))).map(SecretValue::reveal).contains("token-7");
    }

    @Test
    void anUnreadableSecretIsCountedAndLeftForTheNextRun() {
        InMemorySecretStore store = new InMemorySecretStore();
        FakeCipher oldKey = new FakeCipher("k-old");
        store.put(ACME, oldKey.encrypt(GLOBEX, SecretValue.of("moved onto the wrong record")));
        ReEncryptSecrets.Result result = new ReEncryptSecrets(store, new FakeCipher("k-new"), "k-new").run(10, 10);
        assertThat(result).isEqualTo(new ReEncryptSecrets.Result(0, 0, 1, false));
        assertThat(store.get(ACME).orElseThrow().keyId()).isEqualTo("k-old");
    }

    @Test
    void encryptedSecretsRoundTripTheirStoredFormAndRefuseUnknownVersions() {
        EncryptedSecret s = new EncryptedSecret(1, "arn:aws:kms:us-east-1:1:key/abc", new byte[] {1, 2}, new byte[12], new byte[] {9});
        assertThat(EncryptedSecret.decode(s.encode())).isEqualTo(s);
        assertThat(s.toString()).contains("keyId=arn:aws:kms").doesNotContain("[B@");
        assertThatThrownBy(() -> EncryptedSecret.decode("v2" + s.encode().substring(2)))
                .isInstanceOfSatisfying(TokenCipher.SecretUnreadable.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenCipher.Reason.UNKNOWN_FORMAT));
        assertThatThrownBy(() -> EncryptedSecret.decode("garbage")).isInstanceOf(TokenCipher.SecretUnreadable.class);
    }

    @Test
    void plaintextNeverShowsItself() {
        SecretValue v = SecretValue.of("EAAG-very-secret");
        assertThat(v.toString()).doesNotContain("EAAG");
        assertThat(String.valueOf(v)).isEqualTo("SecretValue[***]");
        assertThat(v.matches(SecretValue.of("EAAG-very-secret"))).isTrue();
        assertThatThrownBy(() -> new SecretContext("a#b", "1", SecretField.BUSINESS_TOKEN)).isInstanceOf(IllegalArgumentException.class);
    }
}
