package io.wabridge.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.inbound.TenantId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRateLimitTest {

    @Test
    void plansAreRateWithABurstOfTwiceTheRateUnlessGiven() {
        var plans = ApiRateLimit.parse("default=20, pro=100:300");
        assertThat(plans.get("default")).isEqualTo(new ApiRateLimit.Plan("default", 20, 40));
        assertThat(plans.get("pro")).isEqualTo(new ApiRateLimit.Plan("pro", 100, 300));
        assertThat(plans.get("pro").perWindow()).isEqualTo(1000);
    }

    @Test
    void refusesSpecsWithoutADefaultPlanOrWithBadNumbers() {
        assertThatThrownBy(() -> ApiRateLimit.parse("pro=100")).hasMessageContaining("default");
        assertThatThrownBy(() -> ApiRateLimit.parse("default=fast")).hasMessageContaining("default=fast");
        assertThatThrownBy(() -> ApiRateLimit.parse("default=0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiRateLimit.parse("default=5,")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokenWithoutAPlanOrWithAnUnknownOneIsCountedOnTheDefaultPlan() {
        List<ApiRateLimit.Plan> counted = new ArrayList<>();
        ApiRateLimit limit = new ApiRateLimit(ApiRateLimit.parse("default=5,pro=50"), (tenant, plan) -> {
            counted.add(plan);
            return ApiRateLimit.Decision.refused(0);
        });
        TenantId acme = new TenantId("acme");
        assertThat(limit.admit(acme, null).retryAfterSeconds()).as("at least a second").isEqualTo(1);
        limit.admit(acme, "gold");
        limit.admit(acme, "pro");
        assertThat(counted).extracting(ApiRateLimit.Plan::name).containsExactly("default", "default", "pro");
    }
}
