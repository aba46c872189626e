package io.wabridge.local;

import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import java.time.Clock;

/** Test helper: gives a number and its WABA to a tenant, as signup will. */
final class Routes {
    private Routes() {}

    static void claim(LocalRuntime runtime, String tenant, String wabaId, String phoneNumberId) {
        boolean ok = new DynamoDbRouting(runtime.dynamo(), runtime.resources().tableNames().get("Table"), Clock.systemUTC())
                .claim(new TenantId(tenant), wabaId, new PhoneNumberId(phoneNumberId));
        if (!ok) {
            throw new IllegalStateException(phoneNumberId + " belongs to another tenant");
        }
    }
}
