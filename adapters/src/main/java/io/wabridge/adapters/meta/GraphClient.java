package io.wabridge.adapters.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.meta.MetaApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Meta's Graph API over HTTPS (locally: the Meta sandbox), one client per function instance. A call
 * carries the caller's token as a bearer header (none for the code exchange, which sends app credentials); tokens never reach a log or an exception message. A
 * Graph error becomes a {@link GraphException} with Meta's code and subcode, so the core can classify it.
 */
public final class GraphClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Graph API error (or a transport failure: status 0). */
    public static final class GraphException extends MetaApiException {
        public GraphException(int httpStatus, int code, int subcode, String message, Throwable cause) {
            super(httpStatus, code, subcode, message, cause);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String version;
    private final Duration timeout;

    public GraphClient(URI baseUrl, String version, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.base = URI.create(baseUrl.toString().replaceAll("/+$", ""));
        this.version = version;
        this.timeout = timeout;
    }

    /** {@code GET /{version}/{path}?query}. */
    public JsonNode get(String token, String path, Map<String, String> query) {
        return send(token, request(path, query).GET());
    }

    /** {@code POST /{version}/{path}} with a JSON body. */
    public JsonNode post(String token, String path, Object body) {
        try {
            return send(token, request(path, Map.of()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("body is not serialisable", e);
        }
    }

    /** {@code POST /{version}/{path}?query} without a body (Meta's query-parameter style calls). */
    public JsonNode postQuery(String token, String path, Map<String, String> query) {
        return send(token, request(path, query).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code POST /{version}/{path}} as multipart/form-data: text fields and one file (media uploads). */
    public JsonNode postFile(String token, String path, Map<String, String> fields, String fileField, String filename, String mimeType,
                             byte[] file) {
        String boundary = "wabridge" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(file.length + 512);
        java.util.function.Consumer<String> text = s -> body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        fields.forEach((name, value) -> text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                + value + "\r\n"));
        text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                + filename.replace("\"", "") + "\"\r\nContent-Type: " + mimeType + "\r\n\r\n");
        body.writeBytes(file);
        text.accept("\r\n--" + boundary + "--\r\n");
        return send(token, request(path, Map.of()).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** {@code DELETE /{version}/{path}?query}. */
    public JsonNode delete(String token, String path, Map<String, String> query) {
        return send(token, request(path, query).DELETE());
    }

    /** A streamed GET of an absolute URL (media downloads), with the bearer token; the caller closes the body. */
    public HttpResponse<InputStream> download(String token, URI url) {
        try {
            return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new GraphException(0, 0, 0, "media download failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(0, 0, 0, "interrupted", e);
        }
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(base + "/" + version + "/" + path + q)).timeout(timeout);
    }

    private JsonNode send(String token, HttpRequest.Builder builder) {
        HttpResponse<byte[]> response;
        try {
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new GraphException(0, 0, 0, "Graph API call timed out", e);
        } catch (IOException e) {
            throw new GraphException(0, 0, 0, "Graph API call failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(0, 0, 0, "interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (response.statusCode() / 100 != 2 || body.has("error")) {
            JsonNode error = body.path("error");
            throw new GraphException(response.statusCode(), error.path("code").asInt(0), error.path("error_subcode").asInt(0),
                    "Graph API " + response.statusCode() + ": " + error.path("message").asText("no error body"), null);
        }
        return body;
    }
}
