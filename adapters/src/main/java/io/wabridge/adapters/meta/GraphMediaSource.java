package io.wabridge.adapters.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.core.media.MediaSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/** Meta's media endpoints: {@code GET /{media-id}} for a 5-minute URL, then the download with the same token. */
public final class GraphMediaSource implements MediaSource {

    private final GraphClient graph;

    public GraphMediaSource(GraphClient graph) {
        this.graph = graph;
    }

    @Override
    public MediaInfo describe(String token, String mediaId, String phoneNumberId) {
        JsonNode info;
        try {
            info = graph.get(token, mediaId, Map.of("phone_number_id", phoneNumberId));
        } catch (GraphClient.GraphException e) {
            // 100 with subcode 33: the object does not exist (expired or deleted media id).
            if (e.httpStatus() == 404 || (e.code() == 100 && e.subcode() == 33)) {
                throw new MediaGone("Meta no longer has media " + mediaId);
            }
            throw e;
        }
        return new MediaInfo(info.path("url").asText(), info.path("mime_type").asText(null), info.path("sha256").asText(null),
                info.path("file_size").asLong(-1));
    }

    @Override
    public Download download(String token, String url) {
        HttpResponse<InputStream> response = graph.download(token, URI.create(url));
        if (response.statusCode() == 200) {
            return new Download(response.body(), response.headers().firstValueAsLong("content-length").orElse(-1));
        }
        try (InputStream ignored = response.body()) {
            // drained and closed
        } catch (IOException ignored) {
            // nothing to keep
        }
        if (response.statusCode() == 404 || response.statusCode() == 403) {
            throw new UrlExpired("media URL answered " + response.statusCode());
        }
        throw new GraphClient.GraphException(response.statusCode(), 0, 0, "media download answered " + response.statusCode(), null);
    }
}
