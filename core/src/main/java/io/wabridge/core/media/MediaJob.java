package io.wabridge.core.media;

import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.util.Objects;

/** Fetch the bytes of one inbound message's media into the media store. */
public record MediaJob(TenantId tenant, String phoneNumberId, String wamid, String mediaId, String mimeType, String sha256,
                       Instant receivedAt) {
    public MediaJob {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(wamid, "wamid");
        Objects.requireNonNull(mediaId, "mediaId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Where the bytes are kept: one object per message, so a retry rewrites the same key. */
    public String storeKey() {
        return "media/" + tenant.value() + "/" + phoneNumberId + "/" + wamid;
    }
}
