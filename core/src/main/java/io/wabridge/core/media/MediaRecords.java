package io.wabridge.core.media;

/** What the message record says of its media. Both writes are idempotent. */
public interface MediaRecords {

    void stored(MediaJob job, String key, long size, String mimeType);

    /** Meta no longer has the media (older than its 7 days, or gone): nothing left to fetch. */
    void unavailable(MediaJob job, String reason);
}
