package io.wabridge.core.media;

import java.io.InputStream;

/** The media bucket. */
public interface MediaStore {

    /** The stored object's size, or empty if there is none. */
    java.util.OptionalLong size(String key);

    /** Streams {@code length} bytes to the key (no whole file in memory: documents reach 100 MB). */
    void put(String key, InputStream body, long length, String mimeType);

    void delete(String key);
}
