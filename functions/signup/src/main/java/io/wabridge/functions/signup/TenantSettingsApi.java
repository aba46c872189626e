package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.tenant.UpdateSettings;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET|PUT /v1/tenant/settings}: a partial update, validated field by field; the hook secret is write-only.
 * Served by the signup function because a PUT may seal the tenant's bot hook signing secret, and only signup and
 * health may create data keys (README, "Token vault").
 */
final class TenantSettingsApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpdateSettings settings;

    TenantSettingsApi(UpdateSettings settings) {
        this.settings = settings;
    }

    APIGatewayV2HTTPResponse get(TenantId tenant) {
        return json(200, view(tenant, settings.get(tenant)));
    }

    APIGatewayV2HTTPResponse put(TenantId tenant, APIGatewayV2HTTPEvent event) {
        Map<String, Object> change;
        try {
            change = JSON.readValue(HttpResponses.rawBody(event), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            return HttpResponses.error(400, "body_invalid", "the body must be a JSON object of the settings to change");
        }
        try {
            String who = HttpResponses.claim(event, "sub").orElse("unknown");
            return json(200, view(tenant, settings.update(tenant, change, who)));
        } catch (SettingsRejected e) {
            boolean conflict = e.field().equals("version");
            return HttpResponses.error(conflict ? 409 : 400, conflict ? "settings_conflict" : "invalid_setting", e.getMessage(), e.field());
        }
    }

    private Map<String, Object> view(TenantId tenant, TenantSettings s) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("url", s.botHookUrl() == null ? null : s.botHookUrl().toString());
        hook.put("timeoutMs", s.botHookTimeoutMillis());
        hook.put("secretSet", settings.hasHookSecret(tenant));
        out.put("botHook", hook);
        out.put("displayName", s.displayName());
        out.put("optInIntent", s.optInIntent());
        out.put("optInPolicy", Map.of("utility", s.optInForUtility(), "marketing", s.optInForMarketing()));
        out.put("keywords", Map.of("stop", s.stopKeywords(), "start", s.startKeywords()));
        out.put("optInReminders", Map.of("max", s.optInReminders().max(), "via", s.optInReminders().via(),
                "afterMinutes", s.optInReminders().afterMinutes()));
        out.put("defaultTemplateLanguage", s.defaultTemplateLanguage());
        out.put("version", s.version());
        out.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        out.put("updatedBy", s.updatedBy());
        return out;
    }
}
