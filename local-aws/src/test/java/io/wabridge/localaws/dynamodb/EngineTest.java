package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/**
 * The base of the conformance suite: one engine (in memory) behind its HTTP server, and the real AWS SDK v2
 * client talking to it, as the adapters do.
 */
abstract class EngineTest {

    static DynamoDbEngine engine;
    static DynamoDbServer server;
    static DynamoDbClient ddb;

    @BeforeAll
    static void start() throws Exception {
        engine = DynamoDbEngine.inMemory();
        server = DynamoDbServer.start(engine, 0);
        ddb = client(server.endpoint());
    }

    @AfterAll
    static void stop() {
        ddb.close();
        server.close();
        engine.close();
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** A fresh table as the stack's: PK/SK strings, GSI1 (GSI1PK/GSI1SK, ALL). */
    static String table() {
        String name = "t-" + UUID.randomUUID();
        ddb.createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("SK").attributeType("S"),
                        a -> a.attributeName("GSI1PK").attributeType("S"), a -> a.attributeName("GSI1SK").attributeType("S"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("SK").keyType("RANGE"))
                .globalSecondaryIndexes(g -> g.indexName("GSI1").projection(p -> p.projectionType(ProjectionType.ALL))
                        .keySchema(k -> k.attributeName("GSI1PK").keyType("HASH"), k -> k.attributeName("GSI1SK").keyType("RANGE"))));
        return name;
    }

    /** A fresh table with a numeric sort key: PK (S), N (N). */
    static String numberTable() {
        String name = "n-" + UUID.randomUUID();
        ddb.createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("N").attributeType("N"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("N").keyType("RANGE")));
        return name;
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(String v) {
        return AttributeValue.fromN(v);
    }

    static AttributeValue b(int... v) {
        byte[] bytes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            bytes[i] = (byte) v[i];
        }
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
    }

    static AttributeValue l(AttributeValue... v) {
        return AttributeValue.fromL(List.of(v));
    }

    static AttributeValue ss(String... v) {
        return AttributeValue.fromSs(List.of(v));
    }

    static AttributeValue ns(String... v) {
        return AttributeValue.fromNs(List.of(v));
    }

    static AttributeValue m(Object... kv) {
        return AttributeValue.fromM(item(kv));
    }

    /** name, value pairs; a String value is S, a Number N, an AttributeValue itself. */
    static Map<String, AttributeValue> item(Object... kv) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            out.put((String) kv[i], v instanceof AttributeValue a ? a : v instanceof Number x ? n(x.toString()) : s((String) v));
        }
        return out;
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return item("PK", pk, "SK", sk);
    }

    static Map<String, String> names(String... kv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    static void put(String table, Map<String, AttributeValue> item) {
        ddb.putItem(r -> r.tableName(table).item(item));
    }

    static Map<String, AttributeValue> get(String table, String pk, String sk) {
        var r = ddb.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true));
        return r.hasItem() ? r.item() : null;
    }

    /** The call fails with DynamoDB's error of this type (by __type's last part) and a message containing {@code text}. */
    static AbstractThrowableAssert<?, ? extends Throwable> fails(Executable call, String type, String text) {
        return assertThatThrownBy(call::execute).isInstanceOfSatisfying(DynamoDbException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
            assertThat(e.awsErrorDetails().errorMessage()).contains(text);
        });
    }

    static AbstractThrowableAssert<?, ? extends Throwable> invalid(Executable call, String text) {
        return fails(call, "ValidationException", text);
    }

    static List<String> sks(List<Map<String, AttributeValue>> items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("SK").s()));
        return out;
    }
}
