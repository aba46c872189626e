package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.tenant.UpdateSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET|PUT /v1/tenant/settings}: a partial update, validated field by field; the hook secret is write-only.
 * Served by the signup function because a PUT may seal the tenant's bot hook signing secret, and only signup and
 * health may create data keys (README, "Token vault").
 */
final class SettingsController {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The settings as the API shows them (every field, null when unset; never the hook secret). */
    record View(BotHook botHook, String displayName, String optInIntent, OptInPolicy optInPolicy, Keywords keywords,
                Reminders optInReminders, String defaultTemplateLanguage, long version, String updatedAt, String updatedBy) {}

    record BotHook(String url, int timeoutMs, boolean secretSet) {}

    record OptInPolicy(boolean utility, boolean marketing) {}

    record Keywords(List<String> stop, List<String> start) {}

    record Reminders(int max, String via, int afterMinutes) {}

    private final UpdateSettings settings;

    SettingsController(UpdateSettings settings) {
        this.settings = settings;
    }

    APIGatewayV2HTTPResponse get(HttpRequest r) {
        return json(200, view(r.tenant(), settings.get(r.tenant())));
    }

    APIGatewayV2HTTPResponse put(HttpRequest r) {
        Map<String, Object> change;
        try {
            change = JSON.readValue(r.body(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            return HttpResponses.error(400, "body_invalid", "the body must be a JSON object of the settings to change");
        }
        try {
            return json(200, view(r.tenant(), settings.update(r.tenant(), change, r.claim("sub").orElse("unknown"))));
        } catch (SettingsRejected e) {
            boolean conflict = e.field().equals("version");
            return HttpResponses.error(conflict ? 409 : 400, conflict ? "settings_conflict" : "invalid_setting", e.getMessage(), e.field());
        }
    }

    private View view(TenantId tenant, TenantSettings s) {
        return new View(new BotHook(s.botHookUrl() == null ? null : s.botHookUrl().toString(), s.botHookTimeoutMillis(),
                settings.hasHookSecret(tenant)), s.displayName(), s.optInIntent(), new OptInPolicy(s.optInForUtility(), s.optInForMarketing()),
                new Keywords(s.stopKeywords(), s.startKeywords()),
                new Reminders(s.optInReminders().max(), s.optInReminders().via(), s.optInReminders().afterMinutes()), s.defaultTemplateLanguage(), s.version(),
                s.updatedAt() == null ? null : s.updatedAt().toString(), s.updatedBy());
    }
}
