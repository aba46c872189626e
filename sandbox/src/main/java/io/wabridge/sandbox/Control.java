package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's own HTTP API for people and scripts ({@code /_sandbox/...}): create customers and signup
 * codes, make simulated users write, inject faults, read the call record and the webhook deliveries.
 */
final class Control {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Control() {}

    @SuppressWarnings("unchecked")
    static MetaSandbox.Answer handle(MetaSandbox s, String method, String path, Map<String, String> params, byte[] body) {
        String[] seg = path.substring("/_sandbox/".length()).split("/");
        JsonNode json;
        try {
            json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return error(400, "body is not valid JSON");
        }
        try {
            switch (method + " " + seg[0]) {
                case "GET state" -> {
                    return ok(state(s));
                }
                case "POST customers" -> {
                    if (seg.length == 3 && seg[2].equals("code")) {
                        return ok(Map.of("code", s.signupCode(seg[1])));
                    }
                    SandboxState.Customer c = s.createCustomer(json.path("name").asText("Sandbox Customer"),
                            json.path("display_phone_number").asText("1555" + (1000000 + (int) (Math.random() * 8999999))));
                    Map<String, Object> out = new LinkedHashMap<>(JSON.convertValue(c, Map.class));
                    out.put("code", s.signupCode(c.businessId()));
                    return ok(out);
                }
                case "POST users" -> {
                    if (seg.length == 2) {
                        return ok(scenario(s, seg[1], json));
                    }
                    if (seg.length != 3 || !seg[2].equals("messages")) {
                        return error(404, "use POST /_sandbox/users/{wa_id}/messages or POST /_sandbox/users/{wa_id}");
                    }
                    String type = json.path("type").asText("text");
                    Map<String, Object> content = JSON.convertValue(json.path(type), Map.class);
                    String wamid = s.userSends(seg[1], json.path("phone_number_id").asText(), type, content,
                            json.path("context").path("message_id").asText(null));
                    return ok(Map.of("wamid", wamid));
                }
                case "POST businesses" -> {
                    if (seg.length != 3 || !seg[2].equals("tokens")) {
                        return error(404, "use POST /_sandbox/businesses/{business_id}/tokens");
                    }
                    if (json.has("expires_in_seconds")) {
                        long seconds = json.path("expires_in_seconds").asLong();
                        s.setTokenExpiry(seg[1], seconds == 0 ? null : java.time.Duration.ofSeconds(seconds));
                    }
                    if (json.has("valid") && !json.path("valid").asBoolean()) {
                        s.revokeTokens(seg[1]);
                    }
                    return ok(Map.of("success", true, "tokens", s.state().tokensOf(seg[1]).size()));
                }
                case "POST numbers" -> {
                    if (seg.length != 2) {
                        return error(404, "use POST /_sandbox/numbers/{phone_number_id}");
                    }
                    Map<String, String> fields = new LinkedHashMap<>();
                    json.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
                    s.updateNumber(seg[1], fields);
                    return ok(GraphApi.numberFields(s.state().number(seg[1]).orElseThrow(), String.join(",", List.of("quality_rating",
                            "whatsapp_business_manager_messaging_limit", "throughput", "name_status", "status"))));
                }
                case "POST callback" -> {
                    boolean verified = s.configureCallback(json.path("url").asText(), json.path("verify_token").asText());
                    return verified ? ok(Map.of("success", true)) : error(400, "callback verification failed");
                }
                case "POST faults" -> {
                    Faults.Kind kind = Faults.Kind.valueOf(json.path("kind").asText("HTTP_STATUS"));
                    // A Graph error without http_status gets Meta's status for its code (GraphError.httpStatusFor).
                    s.faults().add(new Faults.Rule(json.path("method").asText(null), json.path("path").asText(".*"),
                            kind, json.path("http_status").asInt(kind == Faults.Kind.GRAPH_ERROR ? 0 : 500),
                            json.path("code").asInt(1), json.path("delay_ms").asLong(0), json.path("times").asInt(1)));
                    return ok(Map.of("success", true));
                }
                case "DELETE faults" -> {
                    s.faults().clear();
                    return ok(Map.of("success", true));
                }
                case "GET calls" -> {
                    return ok(Map.of("data", s.calls()));
                }
                case "GET webhooks" -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    s.webhooks().deliveries().forEach(d -> out.add(Map.of("id", d.id, "url", d.url, "updates", d.updates,
                            "statuses", d.statuses, "delivered", d.delivered, "duplicate", d.duplicate)));
                    return ok(Map.of("data", out));
                }
                default -> {
                    return error(404, "unknown sandbox route " + method + " " + path);
                }
            }
        } catch (java.util.NoSuchElementException | IllegalArgumentException e) {
            return error(400, String.valueOf(e.getMessage()));
        }
    }

    /**
     * A simulated user's scenario switches: {@code on_whatsapp}, {@code refuses_synchronously} (131026 / 131047 in the
     * send's answer, not by a failed status) and {@code marketing_held_for_quality_assessment}; each optional, a boolean.
     */
    private static Map<String, Object> scenario(MetaSandbox s, String waId, JsonNode json) {
        if (!waId.matches("[0-9]{7,15}")) {
            throw new IllegalArgumentException("wa_id must be 7 to 15 digits");
        }
        Map<String, JsonNode> given = new LinkedHashMap<>();
        for (String field : List.of("on_whatsapp", "refuses_synchronously", "marketing_held_for_quality_assessment")) {
            JsonNode v = json.path(field);
            if (!v.isMissingNode() && !v.isBoolean()) {
                throw new IllegalArgumentException(field + " must be true or false");
            }
            given.put(field, v);
        }
        json.fieldNames().forEachRemaining(f -> {
            if (!given.containsKey(f)) {
                throw new IllegalArgumentException("unknown field " + f + "; use any of " + given.keySet());
            }
        });
        SandboxState.User user = s.user(waId);
        if (given.get("on_whatsapp").isBoolean()) {
            user.onWhatsApp = given.get("on_whatsapp").asBoolean();
        }
        if (given.get("refuses_synchronously").isBoolean()) {
            user.refusesSynchronously = given.get("refuses_synchronously").asBoolean();
        }
        if (given.get("marketing_held_for_quality_assessment").isBoolean()) {
            user.marketingHeldForQualityAssessment = given.get("marketing_held_for_quality_assessment").asBoolean();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("wa_id", user.waId);
        out.put("on_whatsapp", user.onWhatsApp);
        out.put("refuses_synchronously", user.refusesSynchronously);
        out.put("marketing_held_for_quality_assessment", user.marketingHeldForQualityAssessment);
        return out;
    }

    private static Map<String, Object> state(MetaSandbox s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app_id", s.appId());
        out.put("graph", s.graphUrl("v25.0"));
        List<Map<String, Object>> wabas = new ArrayList<>();
        s.state().wabas.values().forEach(w -> wabas.add(Map.of("id", w.id, "business_id", w.businessId, "name", w.name,
                "subscribed", w.subscribedApps.containsKey(s.appId()), "phone_numbers", s.numbersOf(w.id))));
        out.put("wabas", wabas);
        out.put("users", s.state().users.keySet());
        return out;
    }

    private static MetaSandbox.Answer ok(Object body) {
        return new MetaSandbox.Answer(200, body);
    }

    private static MetaSandbox.Answer error(int status, String message) {
        return new MetaSandbox.Answer(status, Map.of("error", Map.of("message", message)));
    }
}
