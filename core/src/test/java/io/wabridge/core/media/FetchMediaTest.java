package io.wabridge.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.FakeCipher;
import io.wabridge.core.token.InMemorySecretStore;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchMediaTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final byte[] PHOTO = "jpeg bytes".getBytes(StandardCharsets.UTF_8);

    final Map<String, byte[]> bucket = new HashMap<>();
    final List<String> records = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    int expiredDownloads;
    boolean gone;
    String statedSha = sha(PHOTO);

    final MediaSource meta = new MediaSource() {
        public MediaInfo describe(String token, String mediaId, String phoneNumberId) {
            calls.add("describe " + mediaId + " as " + token);
            if (gone) {
                throw new MediaGone("no such media");
            }
            return new MediaInfo("https://lookaside/" + mediaId + "?n=" + calls.size(), "image/jpeg", statedSha, PHOTO.length);
        }

        public Download download(String token, String url) {
            calls.add("download " + url);
            if (expiredDownloads > 0) {
                expiredDownloads--;
                throw new UrlExpired("expired");
            }
            return new Download(new ByteArrayInputStream(PHOTO), PHOTO.length);
        }
    };

    final MediaStore store = new MediaStore() {
        public java.util.OptionalLong size(String key) {
            return bucket.containsKey(key) ? java.util.OptionalLong.of(bucket.get(key).length) : java.util.OptionalLong.empty();
        }

        public void put(String key, InputStream body, long length, String mimeType) {
            try {
                bucket.put(key, body.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void delete(String key) {
            bucket.remove(key);
        }
    };

    final MediaRecords recorder = new MediaRecords() {
        public void stored(MediaJob job, String key, long size, String mimeType) {
            records.add("stored " + key + " " + size + " " + mimeType);
        }

        public void unavailable(MediaJob job, String reason) {
            records.add("unavailable " + job.wamid() + " " + reason);
        }
    };

    TokenVault vault;
    FetchMedia fetch;

    @BeforeEach
    void setUp() {
        vault = new TokenVault(new FakeCipher("k1"), new InMemorySecretStore());
        vault.put(new SecretContext("acme", "111", SecretField.BUSINESS_TOKEN), SecretValue.of("EAA-acme"));
        fetch = new FetchMedia(vault, meta, store, recorder, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static MediaJob job(Instant receivedAt) {
        return new MediaJob(new TenantId("acme"), "111", "wamid.P", "M1", "image/jpeg", null, receivedAt);
    }

    static String sha(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void copiesTheBytesWithTheChannelsTokenOnce() {
        assertThat(fetch.fetch(job(NOW.minusSeconds(60)))).isEqualTo(FetchMedia.Outcome.STORED);
        assertThat(bucket.get("media/acme/111/wamid.P")).isEqualTo(PHOTO);
        assertThat(records).containsExactly("stored media/acme/111/wamid.P 10 image/jpeg");
        assertThat(calls.get(0)).isEqualTo("describe M1 as EAA-acme");
        assertThat(fetch.fetch(job(NOW.minusSeconds(60)))).isEqualTo(FetchMedia.Outcome.ALREADY_STORED);
        assertThat(calls).hasSize(2);
        assertThat(records).as("recorded again, in case the first attempt failed after storing").hasSize(2).last()
                .isEqualTo("stored media/acme/111/wamid.P 10 image/jpeg");
    }

    @Test
    void asksForAFreshUrlWhenTheDownloadUrlExpired() {
        expiredDownloads = 1;
        assertThat(fetch.fetch(job(NOW))).isEqualTo(FetchMedia.Outcome.STORED);
        assertThat(calls).filteredOn(c -> c.startsWith("describe")).hasSize(2);
        expiredDownloads = 2;
        bucket.clear();
        assertThatThrownBy(() -> fetch.fetch(job(NOW))).isInstanceOf(MediaSource.UrlExpired.class);
    }

    @Test
    void refusesBytesThatDoNotMatchMetasHashAndLeavesNothingBehind() {
        statedSha = sha("other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> fetch.fetch(job(NOW))).hasMessageContaining("SHA-256");
        assertThat(bucket).isEmpty();
        assertThat(records).isEmpty();
        assertThat(FetchMedia.matches(java.util.HexFormat.of().formatHex(sha256(PHOTO)), sha256(PHOTO))).isTrue();
    }

    @Test
    void mediaMetaNoLongerKeepsIsRecordedUnavailableWithoutACall() {
        assertThat(fetch.fetch(job(NOW.minus(Duration.ofDays(8))))).isEqualTo(FetchMedia.Outcome.UNAVAILABLE);
        assertThat(calls).isEmpty();
        gone = true;
        assertThat(fetch.fetch(job(NOW))).isEqualTo(FetchMedia.Outcome.UNAVAILABLE);
        assertThat(records).containsExactly("unavailable wamid.P expired", "unavailable wamid.P gone");
    }

    @Test
    void aChannelWithoutATokenFailsSoTheQueueRetries() {
        MediaJob other = new MediaJob(new TenantId("globex"), "222", "wamid.G", "M2", null, null, NOW);
        assertThatThrownBy(() -> fetch.fetch(other)).hasMessageContaining("no business token");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
