package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.io.IOException;
import java.util.Map;

/** The tenant's message templates: list, create, sync from Meta, delete. */
final class TemplatesController {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A template submitted for Meta's review. */
    record Created(String id, String name, String language, String category, String status) {}

    /** A template's record: its review status and quality, why Meta rejected it, and a category change Meta announced. */
    @JsonInclude(Include.NON_NULL)
    record TemplateView(@JsonInclude(Include.ALWAYS) String id, @JsonInclude(Include.ALWAYS) String name,
                        @JsonInclude(Include.ALWAYS) String language, @JsonInclude(Include.ALWAYS) String category,
                        @JsonInclude(Include.ALWAYS) String status, @JsonInclude(Include.ALWAYS) String quality,
                        @JsonInclude(Include.ALWAYS) String rejectedReason, String rejectedReasonText, PendingCategory pendingCategory) {

        static TemplateView of(io.wabridge.core.tenant.TemplateCatalog.Template t) {
            return new TemplateView(t.id(), t.name(), t.language(), t.category(), t.status(), t.quality(), t.reason(), t.reasonText(),
                    t.pendingCategory() == null ? null : new PendingCategory(t.pendingCategory(),
                            t.pendingCategoryAt() == null ? "" : t.pendingCategoryAt().toString()));
        }
    }

    record PendingCategory(String category, String effectiveAt) {}

    private final io.wabridge.core.tenant.TemplateCatalog templates;

    TemplatesController(io.wabridge.core.tenant.TemplateCatalog templates) {
        this.templates = templates;
    }

    /** {@code POST /v1/templates?waba=}: {@code {name, language, category, components}} submitted for Meta's review. */
    APIGatewayV2HTTPResponse createTemplate(TenantId tenant, APIGatewayV2HTTPEvent event) {
        try {
            Map<String, Object> body = JSON.readValue(HttpResponses.rawBody(event), new TypeReference<Map<String, Object>>() { });
            var t = templates.create(tenant, HttpResponses.query(event, "waba").orElse(null), str(body.get("name")), str(body.get("language")),
                    str(body.get("category")), body.get("components") instanceof java.util.List<?> l ? l : null);
            return json(201, new Created(t.id(), t.name(), t.language(), t.category(), t.status()));
        } catch (IOException e) {
            return HttpResponses.error(400, "body_invalid", "the body must be a JSON object {name, language, category, components}");
        } catch (SettingsRejected e) {
            return rejected(e);
        } catch (io.wabridge.core.meta.MetaApiException e) {
            return metaRefused(e, "the template");
        }
    }

    /**
     * {@code DELETE /v1/templates/{name}?waba=[&hsm_id=]}: deletes the template at Meta (every language, or the one
     * {@code hsm_id} names) and marks WaBridge's records {@code DELETED}, so sends of it are refused.
     */
    APIGatewayV2HTTPResponse deleteTemplate(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String waba = HttpResponses.query(event, "waba").orElse(null);
        String name = event.getPathParameters().get("name");
        try {
            var languages = templates.delete(tenant, waba, name, HttpResponses.query(event, "hsm_id").orElse(null));
            return json(200, Map.of("waba", waba, "name", name, "status", io.wabridge.core.tenant.TemplateCatalog.DELETED,
                    "languages", languages));
        } catch (SettingsRejected e) {
            return rejected(e);
        } catch (io.wabridge.core.tenant.TemplateCatalog.TemplateUnknown e) {
            return HttpResponses.error(404, "template_unknown", e.getMessage(), "name");
        } catch (io.wabridge.core.meta.MetaApiException e) {
            return metaRefused(e, "the template deletion");
        }
    }

    /** A refused template request: a WABA without an active channel of the tenant is unknown to it (404). */
    private static APIGatewayV2HTTPResponse rejected(SettingsRejected e) {
        return HttpResponses.error(e.field().equals("waba") ? 404 : 400, "invalid_" + e.field().replaceAll("[^A-Za-z0-9]+", "_"),
                e.getMessage(), e.field());
    }

    /** Meta's management rate limit per WABA (80007) is worth a retry later; anything else is Meta's refusal. */
    private static APIGatewayV2HTTPResponse metaRefused(io.wabridge.core.meta.MetaApiException e, String what) {
        if (e.code() == 80007) {
            APIGatewayV2HTTPResponse r = HttpResponses.error(503, "meta_rate_limited",
                    "Meta's management rate limit for this WABA is reached (error 80007); try again later");
            return HttpResponses.withHeader(r, "retry-after", "60");
        }
        return HttpResponses.error(502, "meta_refused", "Meta refused " + what + " (error " + e.code() + "): " + e.getMessage());
    }

    private static String str(Object o) {
        return o instanceof String s ? s : null;
    }

    /** {@code GET /v1/templates?waba=} (the records) and {@code POST /v1/templates/sync?waba=} (re-read from Meta). */
    APIGatewayV2HTTPResponse templates(TenantId tenant, APIGatewayV2HTTPEvent event, boolean sync) {
        String waba = HttpResponses.query(event, "waba").orElse(null);
        try {
            if (sync) {
                return json(200, Map.of("waba", waba, "synced", templates.sync(tenant, waba)));
            }
            var items = templates.list(tenant, waba).stream().map(TemplateView::of).toList();
            return json(200, Map.of("waba", waba, "items", items));
        } catch (SettingsRejected e) {
            return HttpResponses.error(e.field().equals("waba") && sync ? 404 : 400, "invalid_waba", e.getMessage(), e.field());
        } catch (io.wabridge.core.meta.MetaApiException e) {
            return metaRefused(e, "the template listing");
        }
    }


}
