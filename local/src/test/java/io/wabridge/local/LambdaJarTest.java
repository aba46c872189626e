package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wabridge.local.lambda.LambdaJarRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every function of template.yaml runs from its shaded {@code -lambda.jar} alone: a fresh JVM with only that jar,
 * the probe class and Lambda's event serialization library (no test class path), the function's environment,
 * its public no-arg constructor, the SnapStart priming hooks, and one representative event against the local
 * runtime's real parts. So an SDK module a function needs and its module does not declare fails the build,
 * not a deploy. Each jar also holds exactly the SDK service modules expected, and one HTTP client. The jars are
 * built in the package phase (see {@link LambdaJarLoggingTest}); under {@code mvn test} alone this is skipped.
 */
class LambdaJarTest {

    /** The SDK service modules each function module's code uses (its pom.xml declares them). */
    static final Map<String, Set<String>> SERVICES = Map.of(
            "webhook", Set.of("sqs", "secretsmanager", "s3"),
            "inbound", Set.of("dynamodb", "sqs", "s3", "kms"),
            "api", Set.of("dynamodb", "sqs", "s3", "kms"),
            "signup", Set.of("dynamodb", "sqs", "secretsmanager", "s3", "kms"),
            "outbound", Set.of("dynamodb", "sqs", "secretsmanager", "s3", "kms"),
            "health", Set.of("dynamodb", "secretsmanager", "kms"),
            "admin", Set.of("dynamodb", "kms"));

    /** Packages of the SDK's other HTTP clients and of the libraries they bring. */
    static final Set<String> OTHER_HTTP_CLIENTS = Set.of("software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/",
            "software/amazon/awssdk/http/nio/", "software/amazon/awssdk/http/crt/", "software/amazon/awssdk/crt/", "org/apache/http/",
            "org/apache/hc/", "io/netty/");

    @TempDir
    static Path data;
    @TempDir
    static Path work;
    static LocalRuntime runtime;
    static LambdaJarRun run;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(LambdaJarLoggingTest.jars().stream().allMatch(Files::exists), "the Lambda jars are built by mvn package/verify");
        runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null));
        run = new LambdaJarRun(runtime, Path.of(".."), work);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyJarHoldsItsFunctionsSdkModulesAndOneHttpClient() throws Exception {
        for (Path jar : LambdaJarLoggingTest.jars()) {
            String module = jar.getFileName().toString().replaceAll("^wabridge-function-(.*)-lambda\\.jar$", "$1");
            Set<String> services = new TreeSet<>();
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().map(ZipEntry::getName).forEach(name -> {
                    if (name.startsWith("software/amazon/awssdk/services/") && name.endsWith(".class")) {
                        services.add(name.split("/")[4]);
                    }
                    assertThat(OTHER_HTTP_CLIENTS).as("%s: %s is another HTTP client", jar.getFileName(), name).noneMatch(name::startsWith);
                });
                assertThat(file.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")).as(jar.toString()).isNotNull();
                assertThat(file.getEntry("org/crac/Resource.class")).as("%s has the CRaC API", jar).isNotNull();
            }
            assertThat(services).as("SDK service modules in %s", jar.getFileName()).isEqualTo(new TreeSet<>(SERVICES.get(module)));
        }
    }

    @Test
    @Tag("slow") // a JVM per function
    void everyFunctionStartsPrimesAndHandlesAnEventFromItsJarAlone() throws Exception {
        for (String function : run.functions()) {
            LambdaJarRun.Result result = run.run(function, true);
            System.out.printf("%s from %s: %d ms to the first event (construct %d, prime %d, request %d): %s%n", function,
                    run.jar(function).getFileName(), result.jvmToFirstMillis(), result.constructMillis(), result.primeMillis(),
                    result.requestMillis(), result.response().substring(0, Math.min(160, result.response().length())));
            switch (function) {
                case "WebhookFunction" -> assertThat(result.response()).as(function).contains("statusCode=200").contains("accepted");
                case "ApiFunction" -> assertThat(result.response()).as(function).contains("statusCode=200").contains("probe-tenant");
                case "SignupFunction" -> assertThat(result.response()).as(function).contains("statusCode=201");
                case "InboundFunction", "OutboundFunction", "BotFunction", "MediaFunction" ->
                        assertThat(result.response()).as(function).startsWith("SQSBatchResponse(");
                default -> assertThat(result.response()).as(function).isNotBlank().isNotEqualTo("null");
            }
        }
    }
}
