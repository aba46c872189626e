package io.wabridge.localaws;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The local DynamoDB engine, ElasticMQ, the local Secrets Manager, KMS, EventBridge and S3, started together (in parallel) on free
 * loopback ports. With a data folder everything is kept there across restarts; without one it all lives
 * in memory, as tests want.
 */
public final class LocalAwsParts implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";

    private final LocalDynamoDb dynamo;
    private final LocalSqs sqs;
    private final LocalSecretsManager secrets;
    private final LocalKms kms;
    private final LocalEventBridge events;
    private final AwsJsonServer json;
    private final LocalS3 s3;

    private LocalAwsParts(LocalDynamoDb dynamo, LocalSqs sqs, LocalSecretsManager secrets, LocalKms kms, LocalEventBridge events,
                          AwsJsonServer json, LocalS3 s3) {
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.secrets = secrets;
        this.kms = kms;
        this.events = events;
        this.json = json;
        this.s3 = s3;
    }

    /** Starts every part; {@code dataDir} may be null for in-memory parts. */
    public static LocalAwsParts start(Path dataDir) throws Exception {
        return start(dataDir, false);
    }

    /** Starts every part; with {@code dynamoInMemory} the local DynamoDB keeps its tables in memory even with a dataDir. */
    public static LocalAwsParts start(Path dataDir, boolean dynamoInMemory) throws Exception {
        return start(dataDir, dynamoInMemory, false);
    }

    /** Starts every part; with {@code queuesInMemory} the local SQS keeps its messages in memory even with a dataDir. */
    public static LocalAwsParts start(Path dataDir, boolean dynamoInMemory, boolean queuesInMemory) throws Exception {
        CompletableFuture<LocalDynamoDb> dynamo = CompletableFuture.supplyAsync(() -> call(() ->
                LocalDynamoDb.start(dataDir == null || dynamoInMemory ? null : dataDir.resolve("dynamodb"), 0)));
        CompletableFuture<LocalSqs> sqs = CompletableFuture.supplyAsync(() -> call(() ->
                LocalSqs.start(dataDir == null || queuesInMemory ? null : dataDir.resolve("sqs"), REGION, ACCOUNT, 0)));
        LocalSecretsManager secrets = null;
        AwsJsonServer json = null;
        LocalS3 s3 = null;
        try {
            secrets = new LocalSecretsManager(dataDir == null ? null : dataDir.resolve("secrets.json"), REGION, ACCOUNT);
            LocalKms kms = new LocalKms(dataDir == null ? null : dataDir.resolve("kms-keys.json"), REGION, ACCOUNT);
            LocalEventBridge events = new LocalEventBridge(REGION, ACCOUNT);
            json = AwsJsonServer.start(List.of(secrets, kms, events), 0);
            s3 = LocalS3.start(dataDir == null ? null : dataDir.resolve("s3"));
            CompletableFuture.allOf(dynamo, sqs).join();
            return new LocalAwsParts(dynamo.join(), sqs.join(), secrets, kms, events, json, s3);
        } catch (Exception | Error e) {
            // Close whatever did start, so a failed start leaks no server.
            dynamo.thenAccept(LocalAwsParts::closeQuietly);
            sqs.thenAccept(LocalAwsParts::closeQuietly);
            closeQuietly(json);
            closeQuietly(s3);
            if (e instanceof CompletionException ce && ce.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    public LocalDynamoDb dynamo() {
        return dynamo;
    }

    public LocalSqs sqs() {
        return sqs;
    }

    public LocalSecretsManager secrets() {
        return secrets;
    }

    public LocalKms kms() {
        return kms;
    }

    public LocalEventBridge events() {
        return events;
    }

    /** Endpoint of the AWS JSON-protocol services (Secrets Manager, KMS, EventBridge). */
    public AwsJsonServer json() {
        return json;
    }

    /** The local S3 (path-style). */
    public LocalS3 s3() {
        return s3;
    }

    @Override
    public void close() {
        closeQuietly(s3);
        closeQuietly(events);
        closeQuietly(json);
        closeQuietly(sqs);
        closeQuietly(dynamo);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
