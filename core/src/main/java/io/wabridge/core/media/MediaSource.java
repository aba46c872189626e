package io.wabridge.core.media;

import java.io.InputStream;

/** Meta's media endpoints, called with the channel's business token. */
public interface MediaSource {

    /** What {@code GET /{media-id}} answers: a download URL that lives 5 minutes. */
    record MediaInfo(String url, String mimeType, String sha256, long size) {}

    /** The download's body; the caller closes it. */
    record Download(InputStream body, long length) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            body.close();
        }
    }

    /** @throws MediaGone if Meta no longer has the media (expired or deleted id) */
    MediaInfo describe(String token, String mediaId, String phoneNumberId);

    /** @throws UrlExpired if the URL has expired (ask {@link #describe} again) */
    Download download(String token, String url);

    /** The media id is unknown or expired at Meta: no retry can fetch it. */
    final class MediaGone extends RuntimeException {
        public MediaGone(String message) {
            super(message);
        }
    }

    /** The 5-minute download URL has expired. */
    final class UrlExpired extends RuntimeException {
        public UrlExpired(String message) {
            super(message);
        }
    }
}
