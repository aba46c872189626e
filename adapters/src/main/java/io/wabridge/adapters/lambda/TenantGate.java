package io.wabridge.adapters.lambda;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.ApiRateLimit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every JWT route starts: the tenant from the verified token's tenant claim (403 {@code tenant_claim_missing} without
 * one, 403 {@code tenant_claim_invalid} when it is not a {@link TenantId}, each with {@code WWW-Authenticate}), then one request
 * counted against the tenant's plan (the plan claim) before any route runs: 429 {@code rate_limited} with
 * {@code Retry-After} over it.
 */
public final class TenantGate {

    private static final Logger log = LoggerFactory.getLogger(TenantGate.class);

    private final String tenantClaim;
    private final String planClaim;
    private final ApiRateLimit limit;

    /** @param limit null for no limit */
    public TenantGate(String tenantClaim, String planClaim, ApiRateLimit limit) {
        this.tenantClaim = tenantClaim;
        this.planClaim = planClaim;
        this.limit = limit;
    }

    /** Runs {@code routes} for the token's tenant if it has one and its plan admits the request. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Function<TenantId, APIGatewayV2HTTPResponse> routes) {
        String claimed = claim(event, tenantClaim).orElse(null);
        if (claimed == null) {
            return refuse("tenant_claim_missing", "the token has no '" + tenantClaim + "' claim naming the tenant");
        }
        if (!TenantId.isValid(claimed)) {
            // Never echo the value: it is whatever the token's issuer put there.
            return refuse("tenant_claim_invalid", "the token's '" + tenantClaim + "' claim must be a string of " + TenantId.RULE);
        }
        TenantId tenant = new TenantId(claimed);
        ApiRateLimit.Decision decision = admit(tenant, claim(event, planClaim).orElse(null));
        if (!decision.admitted()) {
            return HttpResponses.withHeader(error(429, "rate_limited", "too many requests for this tenant's plan; retry after "
                    + decision.retryAfterSeconds() + " s"), "retry-after", Integer.toString(decision.retryAfterSeconds()));
        }
        return routes.apply(tenant);
    }

    /** 403 with the reason in {@code WWW-Authenticate} too (RFC 6750), as a client library reads it there. */
    private static APIGatewayV2HTTPResponse refuse(String code, String message) {
        return HttpResponses.withHeader(error(403, code, message), "www-authenticate",
                "Bearer error=\"invalid_token\", error_description=\"" + message.replace("\"", "'") + "\"");
    }

    private ApiRateLimit.Decision admit(TenantId tenant, String plan) {
        if (limit == null) {
            return ApiRateLimit.Decision.ADMITTED;
        }
        try {
            return limit.admit(tenant, plan);
        } catch (RuntimeException e) {
            // The limit protects the API; it must not take it down. Without the count, the request goes through.
            log.warn("rate limit count failed for tenant {}; request admitted: {}", tenant.value(), e.getClass().getSimpleName());
            return ApiRateLimit.Decision.ADMITTED;
        }
    }
}
