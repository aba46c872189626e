package io.wabridge.localaws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * DynamoDB's wire protocol over loopback HTTP (API Reference, "DynamoDB low-level API"): a POST with
 * {@code X-Amz-Target: DynamoDB_20120810.Operation} and an {@code application/x-amz-json-1.0} body; answers carry
 * {@code x-amz-crc32} as DynamoDB's do, errors a {@code __type} and a message with DynamoDB's HTTP status.
 * Signatures are not checked (any credentials work): a loopback part for the local runtime and tests.
 *
 * <p>The HTTP/1.1 side is this class's own, small and blocking: one virtual thread per connection reads a request
 * (a {@code Content-Length} or chunked body), answers it with a {@code Content-Length}, and reads the next one on the
 * same connection (keep-alive, as the SDK's clients use it). The JDK's {@code HttpServer} did the same work through
 * one selector thread that every request passed twice, which cost about as much CPU as the engine itself.
 */
public final class DynamoDbServer implements AutoCloseable {

    static final String TARGET_PREFIX = "DynamoDB_20120810.";
    /** DynamoDB's request size limit (API Reference, "BatchWriteItem": 16 MB). */
    static final int MAX_REQUEST = 16 * 1024 * 1024;
    /** The request line and headers together; the SDK's are well under 2 KB. */
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket socket;
    private final DynamoDbEngine engine;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    /** Request ids: unique per server and cheap (a random UUID per answer contends on the shared SecureRandom). */
    private final String requestIds = UUID.randomUUID() + "-";
    private final AtomicLong requests = new AtomicLong();

    private DynamoDbServer(ServerSocket socket, DynamoDbEngine engine) {
        this.socket = socket;
        this.engine = engine;
    }

    /** Serves {@code engine} on {@code port} (0: a free one) of the loopback address. */
    public static DynamoDbServer start(DynamoDbEngine engine, int port) throws IOException {
        ServerSocket socket = new ServerSocket(port, 512, InetAddress.getLoopbackAddress());
        DynamoDbServer server = new DynamoDbServer(socket, engine);
        Thread.ofPlatform().daemon().name("dynamodb-accept-" + socket.getLocalPort()).start(server::accept);
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    public DynamoDbEngine engine() {
        return engine;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                Thread.ofVirtual().name("dynamodb-connection").start(() -> serve(connection));
            } catch (IOException e) {
                // closed, or one failed accept: the loop condition decides
            }
        }
    }

    /** Answers the requests of one connection in turn until the client closes it or asks to. */
    private void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream(), 16 * 1024);
             OutputStream out = new BufferedOutputStream(connection.getOutputStream(), 16 * 1024)) {
            connection.setTcpNoDelay(true);
            while (true) {
                Request request = Request.read(in, out);
                if (request == null) {
                    return;
                }
                Answer answer = answer(request);
                byte[] body = DynamoDbEngine.JSON.writeValueAsBytes(answer.json());
                CRC32 crc = new CRC32();
                crc.update(body);
                String head = "HTTP/1.1 " + answer.status() + " " + reason(answer.status()) + "\r\n"
                        + "Content-Type: application/x-amz-json-1.0\r\n"
                        + "x-amzn-RequestId: " + requestIds + requests.incrementAndGet() + "\r\n"
                        + "x-amz-crc32: " + crc.getValue() + "\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + (request.close() ? "Connection: close\r\n" : "") + "\r\n";
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                if (request.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent something that is not HTTP: the connection ends
        } finally {
            connections.remove(connection);
        }
    }

    private record Answer(int status, ObjectNode json) {}

    private Answer answer(Request request) {
        try {
            return new Answer(200, operation(request));
        } catch (DynamoDbError e) {
            ObjectNode json = DynamoDbEngine.JSON.createObjectNode();
            json.put("__type", e.type);
            if (e.getMessage() != null) {
                json.put("message", e.getMessage());
            }
            if (e.extra != null) {
                json.setAll(e.extra);
            }
            return new Answer(e.status, json);
        } catch (RuntimeException e) {
            ObjectNode json = DynamoDbEngine.JSON.createObjectNode();
            json.put("__type", DynamoDbError.PREFIX + "InternalServerError");
            json.put("message", "Internal server error: " + e);
            return new Answer(500, json);
        }
    }

    private ObjectNode operation(Request request) {
        String target = request.target();
        if (!"POST".equals(request.method()) || target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new DynamoDbError(400, "com.amazon.coral.service#UnknownOperationException", null, null);
        }
        if (request.body() == null) {
            throw new DynamoDbError(413, "com.amazon.coral.service#RequestEntityTooLargeException",
                    "Request size exceeded 16777216 bytes", null);
        }
        JsonNode json;
        try {
            json = request.body().length == 0 ? DynamoDbEngine.JSON.createObjectNode() : DynamoDbEngine.JSON.readTree(request.body());
        } catch (IOException e) {
            throw DynamoDbError.serialization("Malformed JSON in the request body");
        }
        return engine.handle(target.substring(TARGET_PREFIX.length()), json);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            default -> "Internal Server Error";
        };
    }

    /**
     * One HTTP/1.1 request: the method, the {@code X-Amz-Target} header, the body (null when it is over
     * {@link #MAX_REQUEST}: read and dropped), and whether the connection ends after the answer.
     */
    private record Request(String method, String target, byte[] body, boolean close) {

        /** The next request on the connection, or null when the client closed it between requests. */
        static Request read(InputStream in, OutputStream out) throws IOException {
            String line = line(in, true);
            if (line == null) {
                return null;
            }
            String[] parts = line.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x request line");
            }
            String target = null;
            long length = 0;
            boolean chunked = false;
            boolean close = parts[2].equals("HTTP/1.0");
            boolean expectContinue = false;
            int headBytes = line.length();
            for (String h; !(h = line(in, false)).isEmpty(); ) {
                headBytes += h.length();
                if (headBytes > MAX_HEAD) {
                    throw new IOException("request head over " + MAX_HEAD + " bytes");
                }
                int colon = h.indexOf(':');
                if (colon < 0) {
                    throw new IOException("malformed header");
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "x-amz-target" -> target = value;
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close") || (close && !value.equalsIgnoreCase("keep-alive"));
                    case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                    default -> { }
                }
            }
            if (expectContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body = chunked ? chunkedBody(in) : body(in, length);
            return new Request(parts[0], target, body, close);
        }

        private static byte[] body(InputStream in, long length) throws IOException {
            if (length < 0) {
                throw new IOException("negative Content-Length");
            }
            if (length > MAX_REQUEST) {
                in.skipNBytes(length);
                return null;
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("connection closed mid-body");
            }
            return body;
        }

        private static byte[] chunkedBody(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean tooLarge = false;
            while (true) {
                String size = line(in, false);
                int semicolon = size.indexOf(';');
                long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (!line(in, false).isEmpty()) {
                        // trailers: none that matter
                    }
                    return tooLarge ? null : body.toByteArray();
                }
                if (tooLarge || body.size() + n > MAX_REQUEST) {
                    tooLarge = true;
                    in.skipNBytes(n);
                } else {
                    body.write(in.readNBytes((int) n));
                }
                line(in, false);
            }
        }

        /** A header line without its CRLF; at the start of a request, null if the stream ends before any byte. */
        private static String line(InputStream in, boolean first) throws IOException {
            StringBuilder s = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (first && s.isEmpty()) {
                        return null;
                    }
                    throw new IOException("connection closed mid-request");
                }
                if (b == '\n') {
                    int end = s.length();
                    if (end > 0 && s.charAt(end - 1) == '\r') {
                        s.setLength(end - 1);
                    }
                    if (first && s.isEmpty()) {
                        continue;
                    }
                    return s.toString();
                }
                if (s.length() > MAX_HEAD) {
                    throw new IOException("header line over " + MAX_HEAD + " bytes");
                }
                s.append((char) b);
            }
        }
    }

    /** Stops serving and ends every open connection; the engine stays open (its owner closes it). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
