package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.SettingsRejected;
import java.util.List;
import java.util.Map;

/** Who the token names, and the tenant's usage report. */
final class TenantController {

    /** {@code GET /v1/whoami}: the tenant and subject of the verified token. */
    record WhoAmI(String tenantId, String subject) {}

    /** {@code GET /v1/usage}: counts per period by pricing category, and the estimated cost at the tenant's rates. */
    record UsageReport(String from, String to, String granularity, String currency, java.math.BigDecimal markupPercent, List<UsagePeriod> items) {}

    record UsagePeriod(String period, Map<String, Long> inbound, Map<String, Long> outbound, Map<String, Long> priced,
                       java.math.BigDecimal estimatedCost) {}

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
            var items = usage.report(tenant, from, to, granularity.equals("month")).stream()
                    .map(p -> new UsagePeriod(p.period(), p.inbound(), p.outbound(), p.priced(), p.estimatedCost())).toList();
            return json(200, new UsageReport(from.toString(), to.toString(), granularity, usage.rates().currency(), usage.rates().markupPercent(),
                    items));
        } catch (SettingsRejected e) {
            return HttpResponses.error(400, "invalid_range", e.getMessage(), e.field());
        }
    }

}
