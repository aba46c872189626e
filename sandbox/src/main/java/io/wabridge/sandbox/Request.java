package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request to the sandbox: method, path segments after the version, parameters and body. */
record Request(String method, String path, List<String> segments, Map<String, String> params, byte[] body,
               String contentType, String bearer, int apiVersion) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Query and form parameters, as Graph accepts either. */
    static Map<String, String> parseParams(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty()) {
                continue;
            }
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    String param(String name) {
        return params.get(name);
    }

    /** The JSON body; a JSON body that does not parse is Meta's (#100) error. */
    JsonNode json() {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw GraphError.invalidParameter("Invalid parameter", "The request body is not valid JSON");
        }
    }

    /** The JSON body, or the form parameters as a JSON object. */
    JsonNode jsonOrForm() {
        if (contentType != null && contentType.startsWith("application/json")) {
            return json();
        }
        var node = JSON.createObjectNode();
        params.forEach(node::put);
        return node;
    }
}
