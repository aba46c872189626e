package io.wabridge.local.template;

import static io.wabridge.local.template.SamTemplate.list;
import static io.wabridge.local.template.SamTemplate.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.localaws.LocalEventBridge;
import io.wabridge.localaws.LocalKms;
import io.wabridge.localaws.LocalSecretsManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates the template's tables, queues and secrets on the local parts and answers {@code Ref} and
 * {@code Fn::GetAtt} for every resource the way CloudFormation would after a deploy. Creation is
 * idempotent, so a restart over an existing data folder keeps its tables, queues and secrets.
 */
public final class LocalResources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SamTemplate template;
    private final String stackName;
    private final String region;
    private final String accountId;
    private final Map<String, String> parameterValues;
    private final Map<String, String> refs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> attrs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Intrinsics intrinsics;

    public LocalResources(SamTemplate template, String stackName, String region, String accountId,
                          Map<String, String> parameterOverrides) {
        this.template = template;
        this.stackName = stackName;
        this.region = region;
        this.accountId = accountId;
        this.parameterValues = new LinkedHashMap<>();
        template.parameters().forEach((name, spec) -> {
            Object def = map(spec).get("Default");
            if (def != null) {
                parameterValues.put(name, def.toString());
            }
        });
        parameterValues.putAll(parameterOverrides);
        this.intrinsics = new Intrinsics(this::ref, (id, attr) -> attrs.get(id + "." + attr));
    }

    public Intrinsics intrinsics() {
        return intrinsics;
    }

    public Map<String, String> parameterValues() {
        return Map.copyOf(parameterValues);
    }

    /** Every template parameter without a default must be given a local value. */
    public void requireAllParameters() {
        List<String> missing = template.parameters().keySet().stream().filter(p -> !parameterValues.containsKey(p)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no local value for template parameters " + missing);
        }
    }

    private String ref(String name) {
        return switch (name) {
            case "AWS::StackName" -> stackName;
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> accountId;
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            case "AWS::NoValue" -> null;
            default -> parameterValues.containsKey(name) ? parameterValues.get(name) : refs.get(name);
        };
    }

    /** Names every resource, then creates secrets, queues and tables. */
    public void create(DynamoDbClient dynamo, SqsClient sqs, LocalSecretsManager secrets, LocalKms kms, LocalEventBridge events,
                       io.wabridge.localaws.LocalS3 s3)
            throws Exception {
        requireAllParameters();
        nameResources();
        for (var e : template.resourcesOfType("AWS::SecretsManager::Secret").entrySet()) {
            Map<String, Object> generate = map(e.getValue().get("GenerateSecretString"));
            String name = secretName(e.getKey(), e.getValue());
            int length = generate.containsKey("PasswordLength") ? Integer.parseInt(generate.get("PasswordLength").toString()) : 32;
            secrets.ensure(name, length);
        }
        template.resourcesOfType("AWS::Events::EventBus").keySet().forEach(id -> events.ensureBus(refs.get(id)));
        template.resourcesOfType("AWS::S3::Bucket").keySet().forEach(id -> s3.ensureBucket(refs.get(id)));
        for (var e : template.resourcesOfType("AWS::KMS::Key").entrySet()) {
            kms.ensureKey(refs.get(e.getKey()), String.valueOf(e.getValue().getOrDefault("Description", e.getKey())));
        }
        // Tables and queues live in different servers: create them side by side.
        var tables = java.util.concurrent.CompletableFuture.runAsync(() ->
                template.resourcesOfType("AWS::DynamoDB::Table").forEach((id, props) -> createTable(dynamo, refs.get(id), props)));
        createQueues(sqs);
        try {
            tables.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void nameResources() {
        template.resources().forEach((id, resource) -> {
            String type = String.valueOf(map(resource).get("Type"));
            Map<String, Object> props = map(map(resource).get("Properties"));
            switch (type) {
                case "AWS::SQS::Queue" -> {
                    String name = props.containsKey("QueueName") ? intrinsics.string(props.get("QueueName"))
                            : stackName + "-" + id + (Boolean.parseBoolean(String.valueOf(props.get("FifoQueue"))) ? ".fifo" : "");
                    attrs.put(id + ".QueueName", name);
                    attrs.put(id + ".Arn", "arn:aws:sqs:" + region + ":" + accountId + ":" + name);
                }
                case "AWS::DynamoDB::Table" -> {
                    String name = props.containsKey("TableName") ? intrinsics.string(props.get("TableName")) : stackName + "-" + id;
                    refs.put(id, name);
                    attrs.put(id + ".Arn", "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + name);
                }
                case "AWS::SecretsManager::Secret" -> refs.put(id,
                        "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + secretName(id, props));
                case "AWS::KMS::Key" -> {
                    String keyId = UUID.nameUUIDFromBytes((stackName + "/" + id).getBytes()).toString();
                    refs.put(id, keyId);
                    attrs.put(id + ".KeyId", keyId);
                    attrs.put(id + ".Arn", "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId);
                }
                case "AWS::Events::EventBus" -> {
                    String name = props.containsKey("Name") ? intrinsics.string(props.get("Name")) : stackName + "-" + id;
                    refs.put(id, name);
                    attrs.put(id + ".Name", name);
                    attrs.put(id + ".Arn", "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name);
                }
                case "AWS::Serverless::Function" -> {
                    String name = stackName + "-" + id;
                    refs.put(id, name);
                    attrs.put(id + ".Arn", "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name);
                }
                case "AWS::Serverless::HttpApi" -> refs.put(id, "local");
                case "AWS::S3::Bucket" -> {
                    String name = props.containsKey("BucketName") ? intrinsics.string(props.get("BucketName"))
                            : (stackName + "-" + id).toLowerCase(java.util.Locale.ROOT);
                    refs.put(id, name);
                    attrs.put(id + ".Arn", "arn:aws:s3:::" + name);
                }
                default -> refs.put(id, id);
            }
        });
    }

    /** The local URL of the queue with this ARN. */
    public String queueUrlForArn(String arn) {
        return attrs.entrySet().stream().filter(e -> e.getKey().endsWith(".Arn") && e.getValue().equals(arn))
                .map(e -> attrs.get(e.getKey().replace(".Arn", ".QueueUrl"))).filter(java.util.Objects::nonNull)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no local queue with ARN " + arn));
    }

    /** Logical id to URL of every queue. */
    public Map<String, String> queueUrls() {
        Map<String, String> out = new java.util.TreeMap<>();
        template.resourcesOfType("AWS::SQS::Queue").keySet().forEach(id -> out.put(id, attrs.get(id + ".QueueUrl")));
        return out;
    }

    /** Logical id to name of every bucket. */
    public Map<String, String> bucketNames() {
        Map<String, String> out = new java.util.TreeMap<>();
        template.resourcesOfType("AWS::S3::Bucket").keySet().forEach(id -> out.put(id, refs.get(id)));
        return out;
    }

    /** Logical id to name of every table. */
    public Map<String, String> tableNames() {
        Map<String, String> out = new java.util.TreeMap<>();
        template.resourcesOfType("AWS::DynamoDB::Table").keySet().forEach(id -> out.put(id, refs.get(id)));
        return out;
    }

    private String secretName(String id, Map<String, Object> props) {
        return props.containsKey("Name") ? intrinsics.string(props.get("Name")) : stackName + "/" + id;
    }

    private void createQueues(SqsClient sqs) {
        // Dead-letter queues first: a redrive policy may only name a queue that exists.
        List<Map.Entry<String, Map<String, Object>>> queues = new ArrayList<>(template.resourcesOfType("AWS::SQS::Queue").entrySet());
        queues.sort((a, b) -> Boolean.compare(a.getValue().containsKey("RedrivePolicy"), b.getValue().containsKey("RedrivePolicy")));
        for (var e : queues) {
            String id = e.getKey();
            Map<String, Object> props = e.getValue();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String attr : List.of("FifoQueue", "ContentBasedDeduplication", "VisibilityTimeout", "MessageRetentionPeriod",
                    "DelaySeconds", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds")) {
                if (props.containsKey(attr)) {
                    attributes.put(attr, intrinsics.string(props.get(attr)));
                }
            }
            if (props.containsKey("RedrivePolicy")) {
                try {
                    attributes.put("RedrivePolicy", JSON.writeValueAsString(intrinsics.resolve(props.get("RedrivePolicy"))));
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
            String name = attrs.get(id + ".QueueName");
            String url;
            try {
                url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes)).queueUrl();
            } catch (QueueNameExistsException ex) {
                // Kept from an earlier run with other attributes: bring it in line with the template.
                url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
                Map<String, String> mutable = new LinkedHashMap<>(attributes);
                mutable.remove("FifoQueue");
                String queueUrl = url;
                sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributesWithStrings(mutable));
            }
            refs.put(id, url);
            attrs.put(id + ".QueueUrl", url);
        }
    }

    private void createTable(DynamoDbClient dynamo, String name, Map<String, Object> props) {
        try {
            dynamo.describeTable(r -> r.tableName(name));
            return;
        } catch (ResourceNotFoundException absent) {
            // create below
        }
        List<AttributeDefinition> attributes = list(props.get("AttributeDefinitions")).stream().map(SamTemplate::map)
                .map(a -> AttributeDefinition.builder().attributeName(a.get("AttributeName").toString())
                        .attributeType(a.get("AttributeType").toString()).build()).toList();
        List<GlobalSecondaryIndex> gsis = list(props.get("GlobalSecondaryIndexes")).stream().map(SamTemplate::map)
                .map(g -> {
                    Map<String, Object> projection = map(g.get("Projection"));
                    List<String> nonKey = list(projection.get("NonKeyAttributes")).stream().map(Object::toString).toList();
                    return GlobalSecondaryIndex.builder().indexName(g.get("IndexName").toString())
                            .keySchema(keySchema(g.get("KeySchema")))
                            .projection(Projection.builder().projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")))
                                    .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey).build()).build();
                }).toList();
        dynamo.createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(keySchema(props.get("KeySchema")))
                .globalSecondaryIndexes(gsis.isEmpty() ? null : gsis));
        Map<String, Object> ttl = map(props.get("TimeToLiveSpecification"));
        if (Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))) {
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(
                    t -> t.attributeName(ttl.get("AttributeName").toString()).enabled(true)));
        }
    }

    private static List<KeySchemaElement> keySchema(Object spec) {
        return list(spec).stream().map(SamTemplate::map).map(k -> KeySchemaElement.builder()
                .attributeName(k.get("AttributeName").toString()).keyType(k.get("KeyType").toString()).build()).toList();
    }
}
