package io.wabridge.adapters.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.core.send.TemplateShape;
import io.wabridge.core.tenant.TemplateCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /{waba-id}/message_templates}, following {@code paging.next} through every page; submission and deletion. */
public final class GraphTemplates implements TemplateCatalog.MetaTemplates {

    private final GraphClient graph;

    public GraphTemplates(GraphClient graph) {
        this.graph = graph;
    }

    @Override
    public List<TemplateCatalog.Template> list(String token, String wabaId) {
        List<TemplateCatalog.Template> out = new ArrayList<>();
        Map<String, String> query = new HashMap<>(Map.of("fields", "id,name,language,status,category,quality_score,rejected_reason,components,parameter_format",
                "limit", "100"));
        for (int page = 0; page < 100; page++) {
            JsonNode answer = graph.get(token, wabaId + "/message_templates", query);
            for (JsonNode t : answer.path("data")) {
                out.add(template(wabaId, t));
            }
            if (!answer.path("paging").hasNonNull("next")) {
                break;
            }
            query.put("after", answer.path("paging").path("cursors").path("after").asText());
        }
        return out;
    }

    /** One template of Meta's listing; its shape from its components (none when Meta left them out). */
    public static TemplateCatalog.Template template(String wabaId, JsonNode t) {
        TemplateShape shape = t.path("components").isArray() ? TemplateShape.of(JSON.convertValue(t.path("components"), List.class)) : null;
        return new TemplateCatalog.Template(wabaId, t.path("id").asText(null), t.path("name").asText(), t.path("language").asText(),
                t.path("category").asText(null), t.path("status").asText(null), t.path("quality_score").path("score").asText(null),
                t.path("rejected_reason").asText(null), shape);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public TemplateCatalog.Template create(String token, String wabaId, String name, String language, String category, List<?> components) {
        JsonNode answer = graph.post(token, wabaId + "/message_templates", Map.of("name", name, "language", language, "category", category,
                "components", components));
        return new TemplateCatalog.Template(wabaId, answer.path("id").asText(null), name, language,
                answer.path("category").asText(category), answer.path("status").asText("PENDING"), null, null, null);
    }

    /** {@code DELETE /{waba-id}/message_templates?name=[&hsm_id=]}; Meta's "Message template not found" is (#100) subcode 2593002. */
    @Override
    public boolean delete(String token, String wabaId, String name, String hsmId) {
        Map<String, String> query = new HashMap<>(Map.of("name", name));
        if (hsmId != null) {
            query.put("hsm_id", hsmId);
        }
        try {
            graph.delete(token, wabaId + "/message_templates", query);
            return true;
        } catch (GraphClient.GraphException e) {
            if (e.code() == 100 && e.subcode() == TEMPLATE_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static final int TEMPLATE_NOT_FOUND = 2593002;
}
