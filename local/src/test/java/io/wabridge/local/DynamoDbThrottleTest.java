package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.localaws.DynamoDbThrottle;
import io.wabridge.localaws.LocalAwsParts;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/** The soak's DynamoDB throttle front: writes answered with DynamoDB's throttling errors, retried by the SDK; reads untouched. */
class DynamoDbThrottleTest {

    static LocalAwsParts parts;
    static DynamoDbThrottle front;

    @BeforeAll
    static void start() throws Exception {
        parts = LocalAwsParts.start(null);
        front = DynamoDbThrottle.start(parts.dynamo().endpoint());
        client(front.endpoint(), 0).createTable(r -> r.tableName("throttled").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("PK").attributeType("S").build())
                .keySchema(KeySchemaElement.builder().attributeName("PK").keyType(KeyType.HASH).build()));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (parts != null) {
            parts.close();
        }
    }

    @Test
    void throttlesWritesWithDynamoDbsErrorsWhichTheSdkRetriesAndPassesEverythingElse() {
        DynamoDbClient dynamo = client(front.endpoint(), 2);
        dynamo.putItem(r -> r.tableName("throttled").item(Map.of("PK", AttributeValue.fromS("a"))));
        long throttledBefore = front.throttled();

        front.throttleWrites(1.0);
        try {
            assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName("throttled").item(Map.of("PK", AttributeValue.fromS("b")))))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isIn("ProvisionedThroughputExceededException", "ThrottlingException");
                        assertThat(e.isThrottlingException()).isTrue();
                    });
            // The SDK tried three times (two retries), each answered by the front.
            assertThat(front.throttled() - throttledBefore).isEqualTo(3);
            // Reads pass while writes are throttled.
            assertThat(dynamo.getItem(r -> r.tableName("throttled").key(Map.of("PK", AttributeValue.fromS("a")))).hasItem()).isTrue();
        } finally {
            front.throttleWrites(0);
        }
        dynamo.putItem(r -> r.tableName("throttled").item(Map.of("PK", AttributeValue.fromS("b"))));
        assertThat(dynamo.getItem(r -> r.tableName("throttled").key(Map.of("PK", AttributeValue.fromS("b")))).hasItem()).isTrue();
    }

    private static DynamoDbClient client(URI endpoint, int retries) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(LocalAwsParts.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.builder().numRetries(retries).build()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
