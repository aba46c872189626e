package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.local.template.SamTemplate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jars template.yaml deploys log JSON lines through {@code JsonLogProvider}, and only
 * through it. The jars are built in the package phase, so under {@code mvn verify} (the build command) they
 * exist when this runs; under {@code mvn test} alone the test is skipped.
 */
class LambdaJarLoggingTest {

    static final String SERVICE = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";

    static Set<Path> jars() {
        Set<Path> jars = new TreeSet<>();
        SamTemplate.load(Path.of("../template.yaml")).resourcesOfType("AWS::Serverless::Function")
                .values().forEach(f -> jars.add(Path.of("..").resolve(String.valueOf(f.get("CodeUri"))).normalize()));
        return jars;
    }

    @Test
    void everyLambdaJarBindsSlf4jToTheJsonProviderOnly() throws Exception {
        Set<Path> jars = jars();
        assumeTrue(jars.stream().allMatch(Files::exists), "the Lambda jars are built by mvn package/verify");
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getEntry(SERVICE)).as("%s registers an SLF4J provider", jar).isNotNull();
                assertThat(new String(file.getInputStream(file.getEntry(SERVICE)).readAllBytes(), StandardCharsets.UTF_8).strip())
                        .as(jar.toString()).isEqualTo("io.wabridge.adapters.logging.JsonLogProvider");
                assertThat(file.stream().map(java.util.zip.ZipEntry::getName)).as(jar.toString())
                        .noneMatch(n -> n.startsWith("org/slf4j/simple/"));
            }
            System.out.printf("lambda jar %s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1_048_576.0);
        }
    }

    @Test
    void aLambdaJarLogsOneJsonObjectALineWithItsMdcFields() throws Exception {
        Path jar = jars().iterator().next();
        assumeTrue(Files.exists(jar), "the Lambda jars are built by mvn package/verify");
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> factory = isolated.loadClass("org.slf4j.LoggerFactory");
            Class<?> mdc = isolated.loadClass("org.slf4j.MDC");
            Object logger = factory.getMethod("getLogger", String.class).invoke(null, "io.wabridge.functions.Probe");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            mdc.getMethod("put", String.class, String.class).invoke(null, "wamid", "wamid.PROBE");
            logger.getClass().getMethod("info", String.class, Object.class).invoke(logger, "probe {}", 42);
            mdc.getMethod("clear").invoke(null);
        } finally {
            System.setOut(original);
        }
        String line = out.toString(StandardCharsets.UTF_8).strip();
        JsonNode event = new ObjectMapper().readTree(line);
        assertThat(event.path("level").asText()).as(line).isEqualTo("INFO");
        assertThat(event.path("logger").asText()).isEqualTo("io.wabridge.functions.Probe");
        assertThat(event.path("message").asText()).isEqualTo("probe 42");
        assertThat(event.path("wamid").asText()).isEqualTo("wamid.PROBE");
    }
}
