package io.wabridge.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A webhook endpoint for tests: answers the handshake, records POSTs, and can fail the first N. */
final class Receiver implements AutoCloseable {

    record Post(byte[] body, String signature) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final List<Post> posts = new CopyOnWriteArrayList<>();
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger handshakes = new AtomicInteger();
    private final HttpServer server;

    Receiver(String verifyToken) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (ex.getRequestMethod().equals("GET")) {
                    Map<String, String> q = Request.parseParams(ex.getRequestURI().getRawQuery());
                    handshakes.incrementAndGet();
                    boolean ok = "subscribe".equals(q.get("hub.mode")) && verifyToken.equals(q.get("hub.verify_token"));
                    byte[] out = (ok ? q.get("hub.challenge") : "no").getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(ok ? 200 : 403, out.length);
                    ex.getResponseBody().write(out);
                    return;
                }
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    ex.sendResponseHeaders(500, -1);
                    return;
                }
                posts.add(new Post(body, ex.getRequestHeaders().getFirst("x-hub-signature-256")));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
    }

    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    String all() {
        StringBuilder sb = new StringBuilder();
        posts.forEach(p -> sb.append(p.text()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
