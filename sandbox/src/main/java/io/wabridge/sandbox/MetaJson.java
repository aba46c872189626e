package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Meta's wire encoding of webhook bodies: compact JSON with every non-ASCII character escaped as lowercase
 * {@code \\uXXXX} (UTF-16 units, so an emoji is a surrogate pair) and {@code /} escaped as {@code \/}, as PHP's
 * {@code json_encode} writes it. The bytes are pure ASCII; a receiver must check the signature over exactly these
 * bytes, and a re-encoding of the parsed JSON (UTF-8, unescaped slashes) no longer matches it.
 */
public final class MetaJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Meta's {@code Content-Type} on webhook POSTs. */
    public static final String CONTENT_TYPE = "application/json; charset=UTF-8";

    private MetaJson() {}

    public static byte[] wireBytes(Object body) {
        JsonNode node = body instanceof JsonNode n ? n : JSON.valueToTree(body);
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); first = false) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!first) {
                    out.append(',');
                }
                string(f.getKey(), out);
                out.append(':');
                write(f.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else {
            out.append(node);   // numbers, booleans, null
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
