package io.wabridge.local.template;

import static io.wabridge.local.template.SamTemplate.list;
import static io.wabridge.local.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The safety and least-privilege rules of template.yaml (docs/deploy.md). */
class StackTest {

    static final Path FILE = Path.of("../template.yaml");
    private final SamTemplate template = SamTemplate.load(FILE);

    /** Only these functions may create data keys, each for the reason given in template.yaml. */
    static final Set<String> MAY_GENERATE_DATA_KEYS = Set.of(
            "SignupFunction", // seals a new channel's business token and PIN, and the bot hook secret (PUT /v1/tenant/settings)
            "ChannelHealthFunction"); // seals refreshed business tokens

    /**
     * The functions a person or a conversation waits on start from a SnapStart snapshot: the webhook (Meta's
     * 250 ms target), the API and signup (a SaaS user), and the inbound, bot and outbound consumers (a reply in
     * a chat). The media copy, the schedules and key rotation are background work and stay on $LATEST.
     */
    static final Set<String> SNAPSTART = Set.of("WebhookFunction", "ApiFunction", "SignupFunction", "InboundFunction",
            "BotFunction", "OutboundFunction");

    @Test
    void theLatencySensitiveFunctionsStartFromASnapStartSnapshotBehindAnAlias() {
        assertThat(snapStartFindings(template)).isEmpty();
    }

    @Test
    void theSnapStartRuleCanFail() throws Exception {
        String text = Files.readString(FILE);
        String broken = text.replaceFirst("(?s)(WebhookFunction:.*?) {6}AutoPublishAlias: live\n", "$1")
                .replaceFirst("(?s)(ApiFunction:\n.*?)ApplyOn: PublishedVersions", "$1ApplyOn: None");
        assertThat(snapStartFindings(SamTemplate.parse(new StringReader(broken))))
                .anyMatch(f -> f.startsWith("WebhookFunction") && f.contains("AutoPublishAlias"))
                .anyMatch(f -> f.startsWith("ApiFunction") && f.contains("SnapStart"));
    }

    static List<String> snapStartFindings(SamTemplate template) {
        List<String> findings = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, props) -> {
            boolean snapStart = "PublishedVersions".equals(map(props.get("SnapStart")).get("ApplyOn"));
            if (SNAPSTART.contains(id) && !snapStart) {
                findings.add(id + " has no SnapStart ApplyOn: PublishedVersions");
            }
            // SnapStart applies to published versions only: without an alias, events would invoke $LATEST unsnapshotted.
            if (snapStart && String.valueOf(props.getOrDefault("AutoPublishAlias", "")).isBlank()) {
                findings.add(id + " has SnapStart but no AutoPublishAlias (its events would invoke $LATEST)");
            }
        });
        if (!String.valueOf(template.globalsFunction().getOrDefault("SnapStart", "")).isEmpty()) {
            findings.add("Globals sets SnapStart: choose it per function");
        }
        return findings;
    }

    @Test
    void everyQueueAFunctionConsumesHidesMessagesForSixTimesItsTimeoutAndHasADeadLetterQueue() {
        assertThat(template.functionEvents("SQS")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(queueFindings(template)).isEmpty();
    }

    @Test
    void theQueueRulesCanFail() throws Exception {
        String text = Files.readString(FILE);
        String broken = text.replaceFirst("VisibilityTimeout: 180", "VisibilityTimeout: 179")
                .replaceFirst("maxReceiveCount: 14", "maxReceiveCountt: 14")
                .replaceFirst("maxReceiveCount: 10", "maxReceiveCount: 9");
        assertThat(queueFindings(SamTemplate.parse(new StringReader(broken))))
                .anyMatch(f -> f.contains("InboundQueue") && f.contains("179"))
                .anyMatch(f -> f.contains("OutboundFunction MAX_RECEIVE_COUNT 10") && f.contains("maxReceiveCount 9"))
                .anyMatch(f -> f.contains("MediaQueue") && f.contains("maxReceiveCount"));
    }

    static List<String> queueFindings(SamTemplate template) {
        List<String> findings = new ArrayList<>();
        Map<String, Map<String, Object>> queues = template.resourcesOfType("AWS::SQS::Queue");
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        for (SamTemplate.FunctionEvent event : template.functionEvents("SQS")) {
            String queueId = String.valueOf(list(map(event.properties().get("Queue")).get("Fn::GetAtt")).get(0));
            Map<String, Object> queue = queues.get(queueId);
            int timeout = Integer.parseInt(String.valueOf(functions.get(event.functionId())
                    .getOrDefault("Timeout", template.globalsFunction().get("Timeout"))));
            int visibility = Integer.parseInt(String.valueOf(queue.getOrDefault("VisibilityTimeout", 30)));
            if (visibility < 6 * timeout) {
                findings.add(queueId + " VisibilityTimeout " + visibility + " < 6 x " + event.functionId() + " Timeout " + timeout);
            }
            Map<String, Object> redrive = map(queue.get("RedrivePolicy"));
            if (!(redrive.get("maxReceiveCount") instanceof Integer count) || count < 1) {
                findings.add(queueId + " RedrivePolicy needs a maxReceiveCount");
            } else {
                // The consumer counts the records it fails on their last receive as dead-letter moves.
                Object variable = map(map(functions.get(event.functionId()).get("Environment")).get("Variables")).get("MAX_RECEIVE_COUNT");
                if (!String.valueOf(count).equals(String.valueOf(variable))) {
                    findings.add(event.functionId() + " MAX_RECEIVE_COUNT " + variable + " is not " + queueId + "'s maxReceiveCount " + count);
                }
            }
            Object dlq = redrive.get("deadLetterTargetArn");
            String dlqId = dlq == null ? null : String.valueOf(list(map(dlq).get("Fn::GetAtt")).get(0));
            if (dlqId == null || !queues.containsKey(dlqId)) {
                findings.add(queueId + " has no dead-letter queue in the stack");
            } else if (Boolean.TRUE.equals(queue.get("FifoQueue")) != Boolean.TRUE.equals(queues.get(dlqId).get("FifoQueue"))) {
                findings.add(queueId + " and its dead-letter queue " + dlqId + " differ in FifoQueue");
            }
            if (!List.of("ReportBatchItemFailures").equals(event.properties().get("FunctionResponseTypes"))) {
                findings.add(event.functionId() + "." + event.eventName() + " needs FunctionResponseTypes [ReportBatchItemFailures]");
            }
        }
        return findings;
    }

    @Test
    void everyFunctionIsTracedWithXRay() {
        // SAM adds the AWSXrayWriteOnlyAccess managed policy to each function's role for Tracing: Active.
        assertThat(template.globalsFunction().get("Tracing")).isEqualTo("Active");
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, f) ->
                assertThat(f.getOrDefault("Tracing", "Active")).as(id).isEqualTo("Active"));
    }

    @Test
    void everyFunctionLogsAtTheLogLevelParameter() {
        assertThat(map(map(template.globalsFunction().get("Environment")).get("Variables")).get("LOG_LEVEL"))
                .isEqualTo(Map.of("Ref", "LogLevel"));
        assertThat(map(template.parameters().get("LogLevel")).get("Default")).isEqualTo("INFO");
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, f) -> assertThat(
                map(map(f.get("Environment")).get("Variables"))).as(id).doesNotContainKey("LOG_LEVEL"));
    }

    @Test
    void everyQueueIsEncryptedAtRest() {
        template.resourcesOfType("AWS::SQS::Queue").forEach((id, q) -> assertThat(
                Boolean.TRUE.equals(q.get("SqsManagedSseEnabled")) || q.get("KmsMasterKeyId") != null).as(id).isTrue());
    }

    @Test
    void theTableKeepsPointInTimeRecoveryExpiresItemsAndCannotBeDeletedByAccident() {
        template.resourcesOfType("AWS::DynamoDB::Table").forEach((id, t) -> {
            assertThat(map(t.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled")).as(id).isEqualTo(true);
            assertThat(map(t.get("TimeToLiveSpecification")).get("Enabled")).as(id).isEqualTo(true);
            assertThat(t.get("DeletionProtectionEnabled")).as(id).isEqualTo(true);
            assertThat(map(t.get("SSESpecification")).get("SSEEnabled")).as(id).isEqualTo(true);
        });
    }

    @Test
    void everyFunctionHasALogGroupWithRetention() {
        Set<String> logged = new TreeSet<>();
        template.resourcesOfType("AWS::Logs::LogGroup").forEach((id, g) -> {
            assertThat(g.get("RetentionInDays")).as(id).isNotNull();
            String name = String.valueOf(map(g.get("LogGroupName")).get("Fn::Sub"));
            logged.add(name.replaceAll("^/aws/lambda/\\$\\{(\\w+)}$", "$1"));
        });
        assertThat(logged).containsAll(template.resourcesOfType("AWS::Serverless::Function").keySet());
    }

    @Test
    void theWebhookMaySendToTheInboundQueueReadItsSecretsAndWriteClaimChecksOnly() {
        List<Object> policies = list(template.resourcesOfType("AWS::Serverless::Function").get("WebhookFunction").get("Policies"));
        Set<String> actions = new TreeSet<>();
        for (Object policy : policies) {
            assertThat(map(policy).keySet()).as("inline statements only, no policy templates").containsExactly("Statement");
            for (Object statement : list(map(policy).get("Statement"))) {
                Object action = map(statement).get("Action");
                actions.addAll(action instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(action)));
                assertThat(String.valueOf(map(statement).get("Resource"))).as("scoped to its resources").isNotEqualTo("*");
            }
        }
        assertThat(actions).containsExactlyInAnyOrder("sqs:SendMessage", "secretsmanager:GetSecretValue", "s3:PutObject");
    }

    @Test
    void onlyTheSealingFunctionsMayGenerateDataKeysAndEveryKeyUseIsBoundToAnEncryptionContext() {
        assertThat(kmsFindings(template)).isEmpty();
    }

    @Test
    void theKeyRulesCanFail() throws Exception {
        String text = Files.readString(FILE);
        String broken = text.replaceFirst("(?s)(OutboundFunction:.*?Action: )kms:Decrypt", "$1[kms:Decrypt, kms:GenerateDataKey]")
                .replaceFirst("kms:EncryptionContext:field: business_token", "aws:SourceVpc: vpc-1");
        assertThat(kmsFindings(SamTemplate.parse(new StringReader(broken))))
                .anyMatch(f -> f.startsWith("OutboundFunction") && f.contains("GenerateDataKey"))
                .anyMatch(f -> f.contains("encryption context"));
    }

    static List<String> kmsFindings(SamTemplate template) {
        List<String> findings = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) -> {
            for (Object policy : list(fn.get("Policies"))) {
                if (map(policy).containsKey("KMSDecryptPolicy") || map(policy).containsKey("KMSEncryptPolicy")) {
                    findings.add(id + " uses a KMS policy template (no encryption-context condition)");
                }
                for (Object statement : list(map(policy).get("Statement"))) {
                    Object action = map(statement).get("Action");
                    List<String> actions = action instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(action));
                    if (actions.stream().noneMatch(a -> a.startsWith("kms:"))) {
                        continue;
                    }
                    if (actions.stream().anyMatch(a -> a.startsWith("kms:GenerateDataKey") || a.equals("kms:*"))
                            && !MAY_GENERATE_DATA_KEYS.contains(id)) {
                        findings.add(id + " may kms:GenerateDataKey");
                    }
                    if (!String.valueOf(map(statement).get("Condition")).contains("kms:EncryptionContext")) {
                        findings.add(id + " uses KMS without an encryption context condition");
                    }
                }
            }
        });
        return findings;
    }

    @Test
    void alarmsWatchEveryDeadLetterQueueEveryFunctionAndTheMainQueuesAge() {
        Set<String> watched = new TreeSet<>();
        template.resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, a) -> {
            Object dimension = map(list(a.get("Dimensions")).get(0)).get("Value");
            Object target = map(dimension).containsKey("Ref") ? map(dimension).get("Ref") : list(map(dimension).get("Fn::GetAtt")).get(0);
            watched.add(a.get("MetricName") + " " + target);
            assertThat(String.valueOf(a.get("AlarmActions"))).as(id).contains("NotifyAlarms").contains("AlarmTopicArn");
        });
        Set<String> expected = new TreeSet<>();
        template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(f -> {
            expected.add("Errors " + f);
            expected.add("Throttles " + f);
        });
        template.resourcesOfType("AWS::SQS::Queue").keySet().stream().filter(q -> q.endsWith("DeadLetterQueue"))
                .forEach(q -> expected.add("ApproximateNumberOfMessagesVisible " + q));
        List.of("InboundQueue", "OutboundQueue", "BotQueue").forEach(q -> expected.add("ApproximateAgeOfOldestMessage " + q));
        assertThat(watched).containsAll(expected);
        assertThat(template.resourcesOfType("AWS::CloudWatch::Dashboard")).hasSize(1);
    }

    @Test
    void theDashboardBodyIsJsonWithAWidgetPerConcern() throws Exception {
        var dashboard = template.resourcesOfType("AWS::CloudWatch::Dashboard").values().iterator().next();
        String body = String.valueOf(map(dashboard.get("DashboardBody")).get("Fn::Sub")).replaceAll("\\$\\{[^}]+}", "x");
        var widgets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("widgets");
        assertThat(widgets).hasSizeGreaterThanOrEqualTo(7);
        widgets.forEach(w -> assertThat(w.path("properties").path("metrics")).as(w.toString()).isNotEmpty());
        // Every metric the functions write in Embedded Metric Format has a widget.
        for (io.wabridge.core.metrics.Metric metric : io.wabridge.core.metrics.Metric.values()) {
            assertThat(body).as(metric.metricName()).containsAnyOf("\"WaBridge\", \"" + metric.metricName() + "\"",
                    "MetricName=\\\"" + metric.metricName() + "\\\"");
        }
    }

    @Test
    void outputsNameTheApiTheWebhookAndEveryQueue() {
        Map<String, Object> outputs = template.outputs();
        assertThat(outputs).containsKeys("ApiUrl", "WebhookUrl", "TableName");
        template.resourcesOfType("AWS::SQS::Queue").keySet().forEach(q -> assertThat(outputs).containsKey(q + "Url"));
    }
}
