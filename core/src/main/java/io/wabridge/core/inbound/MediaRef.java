package io.wabridge.core.inbound;

import java.util.Objects;

/**
 * The media an inbound message carries (image, audio, video, document, sticker): Meta's media id, valid
 * for 7 days, with the MIME type and SHA-256 Meta states. The bytes are fetched by the media function.
 */
public record MediaRef(String id, String mimeType, String sha256) {
    public MediaRef {
        Objects.requireNonNull(id, "media id");
    }
}
