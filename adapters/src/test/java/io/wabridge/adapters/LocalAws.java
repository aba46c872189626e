package io.wabridge.adapters;

import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.localaws.LocalAwsParts;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the local AWS parts once per test JVM (in memory) and
 * hands tests a {@link Wiring} whose real SDK clients point at them.
 */
public final class LocalAws implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Wiring.class || type == LocalAwsParts.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalAwsParts parts = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalAwsParts.class, k -> start(), LocalAwsParts.class);
        return parameter.getParameter().getType() == LocalAwsParts.class ? parts : wiring(parts, Map.of());
    }

    /** A wiring for the local parts, plus extra environment variables. */
    public static Wiring wiring(LocalAwsParts parts, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("AWS_REGION", LocalAwsParts.REGION);
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", parts.dynamo().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SQS", parts.sqs().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", parts.json().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_KMS", parts.json().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", parts.s3().endpoint().toString());
        if (!env.containsKey("MEDIA_BUCKET")) {
            // A test that names its own bucket creates it (or wants it missing).
            env.put("MEDIA_BUCKET", "media");
            parts.s3().ensureBucket("media");
        }
        return new Wiring(AppConfig.of(env));
    }

    /** A fresh table with the stack's key schema (PK/SK strings). */
    public static String createTable(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, String prefix) {
        String table = prefix + "-" + java.util.UUID.randomUUID();
        dynamo.createTable(r -> r.tableName(table).billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("SK").attributeType("S"),
                        a -> a.attributeName("GSI1PK").attributeType("S"), a -> a.attributeName("GSI1SK").attributeType("S"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("SK").keyType("RANGE"))
                .globalSecondaryIndexes(g -> g.indexName("GSI1").projection(p -> p.projectionType("ALL"))
                        .keySchema(k -> k.attributeName("GSI1PK").keyType("HASH"), k -> k.attributeName("GSI1SK").keyType("RANGE"))));
        return table;
    }

    private static LocalAwsParts start() {
        try {
            return LocalAwsParts.start(null);
        } catch (Exception e) {
            throw new IllegalStateException("local AWS parts did not start", e);
        }
    }
}
