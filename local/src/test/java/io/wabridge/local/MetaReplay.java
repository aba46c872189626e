package io.wabridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wabridge.sandbox.MetaJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replays Meta's documented payloads ({@code src/test/resources/meta-fixtures/}, see its README) through the local
 * runtime as Meta sends them: the body in Meta's wire encoding, signed with the app secret over those exact bytes
 * (HMAC-SHA256 computed here, independently of WaBridge's own signature code), POSTed to {@code /webhook}. Tests then
 * assert the effect through the public API, as a SaaS sees it.
 *
 * <pre>{@code
 * Fixture f = MetaReplay.fixture("webhooks/messages-text.json")
 *         .replace("106540352242922", channel.phoneNumberId())          // route it to the test's channel
 *         .set("/entry/0/changes/0/value/messages/0/timestamp", now);   // keep the 24 h window open
 * assertThat(MetaReplay.post(runtime, f).statusCode()).isEqualTo(200);
 * }</pre>
 */
final class MetaReplay {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetaReplay() {}

    /** A fixture body without its {@code _source}, and the URL it was copied from. */
    static final class Fixture {
        private final String name;
        private final String source;
        private final ObjectNode body;

        private Fixture(String name, String source, ObjectNode body) {
            this.name = name;
            this.source = source;
            this.body = body;
        }

        String name() {
            return name;
        }

        /** The Meta page (or OpenAPI path) the body was copied from. */
        String source() {
            return source;
        }

        /** A copy of the body (without {@code _source}). */
        ObjectNode body() {
            return body.deepCopy();
        }

        /** Every string or number value equal to {@code from} becomes the string {@code to} (ids, wamids, timestamps). */
        Fixture replace(String from, String to) {
            ObjectNode copy = body.deepCopy();
            replaceIn(copy, from, to);
            return new Fixture(name, source, copy);
        }

        /** Sets the value at a JSON pointer (e.g. {@code /entry/0/changes/0/value/messages/0/text/body}) to a string. */
        Fixture set(String pointer, String value) {
            ObjectNode copy = body.deepCopy();
            int slash = pointer.lastIndexOf('/');
            JsonNode parent = copy.at(pointer.substring(0, slash));
            String key = pointer.substring(slash + 1);
            if (parent instanceof ObjectNode o) {
                o.put(key, value);
            } else if (parent instanceof ArrayNode a) {
                a.set(Integer.parseInt(key), TextNode.valueOf(value));
            } else {
                throw new IllegalArgumentException(name + " has no " + pointer);
            }
            return new Fixture(name, source, copy);
        }

        /** The bytes Meta would send for this body. */
        byte[] wireBytes() {
            return MetaReplay.wireBytes(body);
        }

        private static void replaceIn(JsonNode node, String from, String to) {
            if (node instanceof ObjectNode o) {
                List<String> keys = new ArrayList<>();
                o.fieldNames().forEachRemaining(keys::add);
                for (String k : keys) {
                    JsonNode v = o.get(k);
                    if ((v.isTextual() || v.isNumber()) && v.asText().equals(from)) {
                        o.put(k, to);
                    } else {
                        replaceIn(v, from, to);
                    }
                }
            } else if (node instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    JsonNode v = a.get(i);
                    if ((v.isTextual() || v.isNumber()) && v.asText().equals(from)) {
                        a.set(i, TextNode.valueOf(to));
                    } else {
                        replaceIn(v, from, to);
                    }
                }
            }
        }
    }

    /** Loads {@code meta-fixtures/{path}}; fails when the file does not name its source. */
    static Fixture fixture(String path) {
        try (InputStream in = MetaReplay.class.getResourceAsStream("/meta-fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture meta-fixtures/" + path);
            }
            ObjectNode body = (ObjectNode) JSON.readTree(in);
            JsonNode source = body.remove("_source");
            String url = source == null ? null : source.path("url").asText(null);
            if (url == null || !url.startsWith("https://")) {
                throw new IllegalStateException("meta-fixtures/" + path + " does not name its source (\"_source\": {\"url\": ...})");
            }
            return new Fixture(path, url, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Meta's wire encoding of a webhook body (the sandbox's {@link MetaJson}, which plays Meta's side too). */
    static byte[] wireBytes(JsonNode body) {
        return MetaJson.wireBytes(body);
    }

    /** {@code sha256=} + the hex HMAC-SHA256 of {@code bytes} with the app secret, as Meta's X-Hub-Signature-256. */
    static String signature(String appSecret, byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs the fixture to the runtime's {@code /webhook} as Meta does (its bytes, its signature, its headers). */
    static HttpResponse<String> post(LocalRuntime runtime, Fixture fixture) throws Exception {
        byte[] bytes = fixture.wireBytes();
        return Http.post(URI.create(runtime.baseUrl() + "/webhook"), bytes,
                "content-type", MetaJson.CONTENT_TYPE, "x-hub-signature-256", signature(runtime.metaAppSecret(), bytes));
    }

    /**
     * The object keys at every level of {@code node} (paths like {@code entry[].changes[].value.event}), to compare
     * the shape of a body the sandbox produced with Meta's documented one.
     */
    static java.util.SortedSet<String> shape(JsonNode node) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        shape(node, "", out);
        return out;
    }

    private static void shape(JsonNode node, String at, java.util.SortedSet<String> out) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                String path = at.isEmpty() ? k : at + "." + k;
                out.add(path);
                shape(node.get(k), path, out);
            });
        } else if (node.isArray()) {
            node.forEach(e -> shape(e, at + "[]", out));
        }
    }
}
