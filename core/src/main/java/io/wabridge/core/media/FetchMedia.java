package io.wabridge.core.media;

import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.TokenVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Copies an inbound message's media from Meta into the media store within the 7 days Meta keeps it.
 * Each attempt asks Meta for a fresh download URL (they live 5 minutes) and asks once more if the URL
 * expired mid-way; the bytes are streamed and checked against Meta's SHA-256. Any other failure is thrown,
 * so the queue retries the job and dead-letters it after its last attempt. Safe to run twice.
 */
public final class FetchMedia {

    public enum Outcome { STORED, ALREADY_STORED, UNAVAILABLE }

    /** Meta keeps media named in webhooks for 7 days. */
    static final Duration META_RETENTION = Duration.ofDays(7);

    private final TokenVault vault;
    private final MediaSource source;
    private final MediaStore store;
    private final MediaRecords records;
    private final Clock clock;

    public FetchMedia(TokenVault vault, MediaSource source, MediaStore store, MediaRecords records, Clock clock) {
        this.vault = Objects.requireNonNull(vault);
        this.source = Objects.requireNonNull(source);
        this.store = Objects.requireNonNull(store);
        this.records = Objects.requireNonNull(records);
        this.clock = Objects.requireNonNull(clock);
    }

    public Outcome fetch(MediaJob job) {
        String key = job.storeKey();
        java.util.OptionalLong stored = store.size(key);
        if (stored.isPresent()) {
            // Bytes are only left in the store once their hash matched; record them in case an earlier attempt
            // stored them and failed before recording (the record is idempotent).
            records.stored(job, key, stored.getAsLong(), job.mimeType());
            return Outcome.ALREADY_STORED;
        }
        if (clock.instant().isAfter(job.receivedAt().plus(META_RETENTION))) {
            records.unavailable(job, "expired");
            return Outcome.UNAVAILABLE;
        }
        String token = vault.reveal(new SecretContext(job.tenant().value(), job.phoneNumberId(), SecretField.BUSINESS_TOKEN))
                .orElseThrow(() -> new IllegalStateException("channel " + job.phoneNumberId() + " has no business token"))
                .reveal();
        for (int attempt = 1; ; attempt++) {
            MediaSource.MediaInfo info;
            try {
                info = source.describe(token, job.mediaId(), job.phoneNumberId());
            } catch (MediaSource.MediaGone gone) {
                records.unavailable(job, "gone");
                return Outcome.UNAVAILABLE;
            }
            try {
                long size = copy(job, key, info, token);
                records.stored(job, key, size, info.mimeType() != null ? info.mimeType() : job.mimeType());
                return Outcome.STORED;
            } catch (MediaSource.UrlExpired expired) {
                if (attempt == 2) {
                    throw expired;
                }
            }
        }
    }

    private long copy(MediaJob job, String key, MediaSource.MediaInfo info, String token) {
        MessageDigest sha256 = sha256();
        long length;
        try (MediaSource.Download download = source.download(token, info.url());
             DigestInputStream in = new DigestInputStream(download.body(), sha256)) {
            length = download.length() >= 0 ? download.length() : info.size();
            store.put(key, in, length, info.mimeType() != null ? info.mimeType() : job.mimeType());
        } catch (IOException e) {
            throw new UncheckedIOException("media download failed", e);
        }
        byte[] digest = sha256.digest();
        String expected = info.sha256() != null ? info.sha256() : job.sha256();
        if (expected != null && !matches(expected, digest)) {
            store.delete(key);
            throw new IllegalStateException("media " + job.mediaId() + " does not match Meta's SHA-256");
        }
        return length;
    }

    /** Meta states the hash in hex or base64 depending on the API surface; accept either. */
    static boolean matches(String expected, byte[] digest) {
        return expected.equalsIgnoreCase(HexFormat.of().formatHex(digest))
                || expected.equals(Base64.getEncoder().encodeToString(digest));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
