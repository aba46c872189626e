package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.core.inbound.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;

/** A contact's data: export everything stored of it, or erase it. */
final class ContactsController {

    private final io.wabridge.core.tenant.ContactPrivacy privacy;

    ContactsController(io.wabridge.core.tenant.ContactPrivacy privacy) {
        this.privacy = privacy;
    }

    /** {@code GET /v1/contacts/{contact}/export}: everything stored of the contact, as JSON. */
    APIGatewayV2HTTPResponse export(TenantId tenant, APIGatewayV2HTTPEvent event, String who) {
        try {
            var e = privacy.export(tenant, event.getPathParameters().get("contact"), who);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("contact", e.contact());
            out.putAll(e.data());
            out.put("consent", Map.of("state", ConsentController.state(e.consent()), "history", e.history().stream().map(ConsentController::entry).toList()));
            return json(200, out);
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_contact", e.getMessage(), "contact");
        } catch (io.wabridge.core.tenant.ContactPrivacy.Unknown e) {
            return error(404, "contact_unknown", e.getMessage());
        }
    }

    /** {@code DELETE /v1/contacts/{contact}}: erases the contact; a repeat is a no-op ({@code alreadyErased}). */
    APIGatewayV2HTTPResponse erase(TenantId tenant, APIGatewayV2HTTPEvent event, String who) {
        try {
            var e = privacy.erase(tenant, event.getPathParameters().get("contact"), who);
            return json(200, Map.of("contact", e.contact(), "removed", e.removed(), "alreadyErased", e.alreadyErased()));
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_contact", e.getMessage(), "contact");
        } catch (io.wabridge.core.tenant.ContactPrivacy.Unknown e) {
            return error(404, "contact_unknown", e.getMessage());
        }
    }

}
