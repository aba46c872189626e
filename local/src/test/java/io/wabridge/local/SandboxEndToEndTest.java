package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.aws.TableItems;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Meta's side played by the sandbox over real HTTP: handshake, signed webhooks, retries, into DynamoDB. */
@EndToEnd(ownRuntime = true) // checks every webhook delivery the sandbox made
class SandboxEndToEndTest {

    static LocalRuntime runtime;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        runtime = own;
    }


    private Map<String, AttributeValue> stored(String wamid) {
        return runtime.dynamo().getItem(r -> r.tableName(runtime.resources().tableNames().get("Table")).consistentRead(true)
                .key(TableItems.key(TableItems.wamid(wamid), TableItems.POINTER))).item();
    }

    @Test
    void aSimulatedUsersMessageReachesDynamoDbThroughMetasSignedWebhook() throws Exception {
        MetaSandbox meta = runtime.sandbox();
        SandboxState.Customer shop = meta.createCustomer("Toko Maju", "6281100000001");
        meta.subscribe(shop.wabaId());
        Routes.claim(runtime, "toko-maju", shop.wabaId(), shop.phoneNumberId());
        String wamid = meta.userSendsText("6281234567890", shop.phoneNumberId(), "Apakah masih ada stok?");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> !stored(wamid).isEmpty())).isTrue();
        assertThat(meta.webhooks().deliveries()).allSatisfy(d -> assertThat(d.statuses).contains(200));
    }

    @Test
    void webhooksSignedWithAnotherAppSecretAreRefusedRetriedAndNeverStored() throws Exception {
        try (MetaSandbox impostor = MetaSandbox.start("999", "not-the-app-secret", 0, Clock.systemUTC())) {
            impostor.webhooks().retries(50, 3);
            assertThat(impostor.configureCallback(runtime.baseUrl() + "/webhook", runtime.webhookVerifyTokenValue())).isTrue();
            assertThat(impostor.configureCallback(runtime.baseUrl() + "/webhook", "wrong-verify-token")).isFalse();
            SandboxState.Customer c = impostor.createCustomer("Forged", "6281100000002");
            impostor.subscribe(c.wabaId());
            String wamid = impostor.userSendsText("6281234567891", c.phoneNumberId(), "forged");
            assertThat(Http.eventually(Duration.ofSeconds(10), () -> !impostor.webhooks().deliveries().isEmpty()
                    && impostor.webhooks().deliveries().get(0).statuses.size() == 3)).isTrue();
            assertThat(impostor.webhooks().deliveries().get(0).statuses).containsExactly(401, 401, 401);
            assertThat(stored(wamid)).isEmpty();
        }
    }
}
