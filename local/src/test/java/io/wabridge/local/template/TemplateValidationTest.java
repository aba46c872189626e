package io.wabridge.local.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * template.yaml against CloudFormation's resource schemas and SAM's types, offline
 * ({@code tools/template-check/validate-template.mjs} on {@code @aws-cdk/aws-service-spec}). {@code ./wabridge test}
 * and {@code .ci/run} install the npm packages; without them this test fails and says how to install them.
 */
class TemplateValidationTest {

    static final Path TOOL = Path.of("../tools/template-check").toAbsolutePath().normalize();
    static final Path TEMPLATE = Path.of("../template.yaml").toAbsolutePath().normalize();

    record Run(int exit, String output) {}

    @BeforeAll
    static void toolInstalled() {
        assertThat(TOOL.resolve("node_modules/@aws-cdk/aws-service-spec")).as(
                "the template check needs its npm packages: (cd tools/template-check && npm ci) (as ./wabridge test does)").exists();
    }

    static Run validate(Path template, Path tmp) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "validate", ".out");
        Process p = new ProcessBuilder("node", TOOL.resolve("validate-template.mjs").toString(), template.toString())
                .directory(TOOL.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the template check finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theTemplateHasNoFindings(@TempDir Path tmp) throws Exception {
        long started = System.nanoTime();
        Run run = validate(TEMPLATE, tmp);
        System.out.printf("template validation: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("ok");
    }

    @Test
    void plantedTyposAreEachFound(@TempDir Path tmp) throws Exception {
        String original = Files.readString(TEMPLATE);
        String planted = once(original, "\n    Timeout: 20\n", "\n    Timout: 20\n") // Globals
                .transform(t -> once(t, "VisibilityTimeout: 180", "VisibilityTimout: 180")) // SQS queue
                .transform(t -> once(t, "BatchSize: 10", "BatchSiz: 10")) // SQS event
                .transform(t -> once(t, "Path: /webhook", "Pathh: /webhook")) // HttpApi event
                .transform(t -> once(t, "PointInTimeRecoveryEnabled: true", "PointInTimeRecoveryEnable: true")) // nested
                .transform(t -> once(t, "- SQSSendMessagePolicy:", "- SQSSendMessagePolicyy:")) // policy template
                .transform(t -> once(t, "!GetAtt InboundQueue.QueueUrl", "!GetAtt InboundQueue.QueueUrll")) // attribute
                .transform(t -> once(t, "EnableKeyRotation: true", "EnableKeyRotaton: true")) // KMS
                .transform(t -> once(t, "Type: AWS::Logs::LogGroup", "Type: AWS::Logs::LogGroops")) // type
                .transform(t -> once(t, "!If [NotifyAlarms,", "!If [NotifyAlarm,")); // condition
        Path copy = tmp.resolve("template.yaml");
        Files.writeString(copy, planted);

        Run run = validate(copy, tmp);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("Globals.Function.Timout", "VisibilityTimout", "BatchSiz", "Pathh",
                "PointInTimeRecoveryEnable:", "SQSSendMessagePolicyy", "QueueUrll", "EnableKeyRotaton",
                "unknown resource type AWS::Logs::LogGroops", "condition NotifyAlarm is not in Conditions");
        assertThat(run.output().lines().filter(l -> l.contains(": ") && l.startsWith(copy.toString()))).hasSize(10);
    }

    private static String once(String text, String from, String to) {
        assertThat(text).as("the template still contains %s", from).contains(from);
        int i = text.indexOf(from);
        return text.substring(0, i) + to + text.substring(i + from.length());
    }
}
