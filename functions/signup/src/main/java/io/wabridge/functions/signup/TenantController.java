package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.core.tenant.OffboardTenant;
import java.time.Duration;

/** The tenant's offboarding. */
final class TenantController {

    /** When the tenant was offboarded and when its data is (or was) purged. */
    record Offboarded(String tenant, String offboardedAt, String purgeAfter, String purgedAt) {}

    private final OffboardTenant offboard;

    TenantController(OffboardTenant offboard) {
        this.offboard = offboard;
    }

    /** {@code DELETE /v1/tenant?graceDays=30}: offboards the tenant; its data is purged after the grace period. */
    APIGatewayV2HTTPResponse offboard(HttpRequest r) {
        try {
            long days = Long.parseLong(r.query("graceDays").orElse(Long.toString(OffboardTenant.DEFAULT_GRACE.toDays())));
            var o = offboard.start(r.tenant(), Duration.ofDays(days), r.claim("sub").orElse(null));
            return json(200, new Offboarded(r.tenant().value(), o.at().toString(), o.purgeAfter().toString(),
                    o.purgedAt() == null ? null : o.purgedAt().toString()));
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_graceDays", "graceDays must be a whole number of days from 0 to " + OffboardTenant.MAX_GRACE.toDays());
        }
    }
}
