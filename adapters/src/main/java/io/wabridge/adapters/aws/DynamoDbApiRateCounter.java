package io.wabridge.adapters.aws;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.ApiRateLimit;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The tenant's API request count, shared by every function instance: one item per tenant and window
 * ({@code RATE#{tenant}} / {@code {window start, epoch second}}) holding the window's count ({@code requests}) and each
 * second's ({@code s0}..{@code s9}), expiring a minute after the window. One conditional UpdateItem per request adds to
 * both only if both stay within the plan; a refusal reads the counts from the failed condition to say when to retry.
 */
public final class DynamoDbApiRateCounter implements ApiRateLimit.Counter {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbApiRateCounter(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public ApiRateLimit.Decision take(TenantId tenant, ApiRateLimit.Plan plan) {
        long millis = clock.millis();
        long second = millis / 1000;
        long window = second - Math.floorMod(second, ApiRateLimit.WINDOW_SECONDS);
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(TableItems.key(TableItems.rate(tenant), Long.toString(window)))
                    .updateExpression("ADD #w :one, #s :one SET expiresAt = :exp")
                    .conditionExpression("(attribute_not_exists(#w) OR #w < :window) AND (attribute_not_exists(#s) OR #s < :burst)")
                    .expressionAttributeNames(Map.of("#w", "requests", "#s", "s" + (second - window)))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                            ":window", AttributeValue.fromN(Long.toString(plan.perWindow())),
                            ":burst", AttributeValue.fromN(Integer.toString(plan.burst())),
                            ":exp", AttributeValue.fromN(Long.toString(window + ApiRateLimit.WINDOW_SECONDS + 60))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return ApiRateLimit.Decision.ADMITTED;
        } catch (ConditionalCheckFailedException e) {
            AttributeValue inWindow = e.hasItem() ? e.item().get("requests") : null;
            boolean windowFull = inWindow != null && Long.parseLong(inWindow.n()) >= plan.perWindow();
            // A full window frees up when the next one starts; a full second, in the next second.
            long untilMillis = windowFull ? (window + ApiRateLimit.WINDOW_SECONDS) * 1000 - millis : (second + 1) * 1000 - millis;
            return ApiRateLimit.Decision.refused((int) ((untilMillis + 999) / 1000));
        }
    }
}
