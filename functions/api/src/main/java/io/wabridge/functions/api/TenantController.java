package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import java.util.LinkedHashMap;
import java.util.Map;

/** Who the token names, and the tenant's usage report. */
final class TenantController {

    /** {@code GET /v1/whoami}: the tenant and subject of the verified token. */
    record WhoAmI(String tenantId, String subject) {}

    private final io.wabridge.core.tenant.Usage usage;

    TenantController(io.wabridge.core.tenant.Usage usage) {
        this.usage = usage;
    }

    APIGatewayV2HTTPResponse whoami(HttpRequest r) {
        return json(200, new WhoAmI(r.tenant().value(), r.claim("sub").orElse("")));
    }

    /** {@code GET /v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD&granularity=day|month}. */
    APIGatewayV2HTTPResponse usage(TenantId tenant, APIGatewayV2HTTPEvent event) {
        java.time.LocalDate from;
        java.time.LocalDate to;
        try {
            to = java.time.LocalDate.parse(HttpResponses.query(event, "to").orElse(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString()));
            from = java.time.LocalDate.parse(HttpResponses.query(event, "from").orElse(to.withDayOfMonth(1).toString()));
        } catch (java.time.format.DateTimeParseException e) {
            return HttpResponses.error(400, "invalid_date", "from and to are dates like 2026-11-01", "from");
        }
        String granularity = HttpResponses.query(event, "granularity").orElse("day");
        if (!granularity.equals("day") && !granularity.equals("month")) {
            return HttpResponses.error(400, "invalid_granularity", "granularity is day or month", "granularity");
        }
        try {
            java.util.List<Map<String, Object>> items = new java.util.ArrayList<>();
            for (var p : usage.report(tenant, from, to, granularity.equals("month"))) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("period", p.period());
                item.put("inbound", p.inbound());
                item.put("outbound", p.outbound());
                item.put("priced", p.priced());
                item.put("estimatedCost", p.estimatedCost());
                items.add(item);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("from", from.toString());
            out.put("to", to.toString());
            out.put("granularity", granularity);
            out.put("currency", usage.rates().currency());
            out.put("markupPercent", usage.rates().markupPercent());
            out.put("items", items);
            return json(200, out);
        } catch (SettingsRejected e) {
            return HttpResponses.error(400, "invalid_range", e.getMessage(), e.field());
        }
    }

}
