package io.wabridge.localaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The part of Amazon S3 WaBridge uses, path-style ({@code /bucket/key}) over loopback: create and head a
 * bucket; put, get, head and delete an object. Objects live in a folder (one file per object, under
 * {@code <dir>/<bucket>/}) or in memory without one. Errors use S3's XML shape so the SDK raises
 * {@code NoSuchKeyException} and {@code NoSuchBucketException} as against AWS. Clients must send plain
 * bodies (no {@code aws-chunked} encoding), which {@code S3Configuration.chunkedEncodingEnabled(false)}
 * and {@code RequestChecksumCalculation.WHEN_REQUIRED} give.
 */
public final class LocalS3 implements AutoCloseable {

    private final HttpServer server;
    private final Path dir;
    private final Map<String, Map<String, byte[]>> memory = new ConcurrentHashMap<>();

    private LocalS3(HttpServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** Starts on a free loopback port; {@code dir} null keeps objects in memory. */
    public static LocalS3 start(Path dir) throws Exception {
        if (dir != null) {
            Files.createDirectories(dir);
        }
        return Ports.withFreePort(port -> {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            LocalS3 s3 = new LocalS3(http, dir);
            http.createContext("/", s3::handle);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            return s3;
        });
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates the bucket if it is missing (the local runtime does this for the template's buckets). */
    public void ensureBucket(String bucket) {
        if (dir == null) {
            memory.computeIfAbsent(bucket, b -> new ConcurrentHashMap<>());
        } else {
            try {
                Files.createDirectories(dir.resolve(bucket));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** An object's bytes, for tests and the local tools. */
    public Optional<byte[]> object(String bucket, String key) {
        if (dir == null) {
            return Optional.ofNullable(memory.getOrDefault(bucket, Map.of()).get(key));
        }
        Path file = file(bucket, key);
        try {
            return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys in a bucket that start with a prefix, sorted (for tests and the local tools). */
    public java.util.List<String> keys(String bucket, String prefix) {
        java.util.stream.Stream<String> keys;
        if (dir == null) {
            keys = memory.getOrDefault(bucket, Map.of()).keySet().stream();
        } else {
            try (var files = Files.list(dir.resolve(bucket))) {
                keys = files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".tmp"))
                        .map(n -> java.net.URLDecoder.decode(n, StandardCharsets.UTF_8)).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keys.filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    private boolean bucketExists(String bucket) {
        return dir == null ? memory.containsKey(bucket) : Files.isDirectory(dir.resolve(bucket));
    }

    private void write(String bucket, String key, byte[] body) throws IOException {
        if (dir == null) {
            memory.get(bucket).put(key, body);
            return;
        }
        Path file = file(bucket, key);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, body);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void delete(String bucket, String key) throws IOException {
        if (dir == null) {
            memory.get(bucket).remove(key);
        } else {
            Files.deleteIfExists(file(bucket, key));
        }
    }

    /** One file per key; the key is URL-encoded so any key maps to a safe file name. */
    private Path file(String bucket, String key) {
        return dir.resolve(bucket).resolve(java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            int slash = path.indexOf('/', 1);
            String bucket = URLDecoder.decode(slash < 0 ? path.substring(1) : path.substring(1, slash), StandardCharsets.UTF_8);
            String key = slash < 0 ? "" : URLDecoder.decode(path.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            if (key.isEmpty()) {
                if (method.equals("PUT")) {
                    ensureBucket(bucket);
                    send(exchange, 200, null);
                } else if (method.equals("HEAD")) {
                    send(exchange, bucketExists(bucket) ? 200 : 404, null);
                } else {
                    error(exchange, 501, "NotImplemented", "the local S3 supports bucket PUT and HEAD only");
                }
                return;
            }
            if (!bucketExists(bucket)) {
                error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            switch (method) {
                case "PUT" -> {
                    if (encoding != null && encoding.contains("aws-chunked")) {
                        error(exchange, 400, "NotImplemented", "aws-chunked bodies are not supported locally; disable chunked encoding");
                        return;
                    }
                    write(bucket, key, body);
                    exchange.getResponseHeaders().set("ETag", etag(body));
                    send(exchange, 200, null);
                }
                case "GET", "HEAD" -> {
                    Optional<byte[]> object = object(bucket, key);
                    if (object.isEmpty()) {
                        error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
                        return;
                    }
                    exchange.getResponseHeaders().set("ETag", etag(object.get()));
                    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                    if (method.equals("HEAD")) {
                        exchange.getResponseHeaders().set("Content-Length", Integer.toString(object.get().length));
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        send(exchange, 200, object.get());
                    }
                }
                case "DELETE" -> {
                    delete(bucket, key);
                    send(exchange, 204, null);
                }
                default -> error(exchange, 405, "MethodNotAllowed", "method " + method + " is not supported");
            }
        } catch (RuntimeException e) {
            // The exchange is closed by now; nothing more to answer.
        }
    }

    private static String etag(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("x-amz-request-id", Long.toHexString(System.nanoTime()));
        if (body == null || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        send(exchange, status, head ? null : xml);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
