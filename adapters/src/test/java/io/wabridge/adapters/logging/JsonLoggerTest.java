package io.wabridge.adapters.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

class JsonLoggerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneJsonObjectALineWithLevelLoggerMessageAndTheMdcFields() throws Exception {
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("tenantId", "acme");
        mdc.put("phoneNumberId", "1065");
        mdc.put("wamid", "wamid.X");
        mdc.put("messageId", "m-1");
        mdc.put("message", "shadowed");
        String line = JsonLogger.line(Instant.parse("2026-11-22T05:00:00Z"), Level.WARN, "io.wabridge.X",
                "said \"hi\"\nand left\t\u0001", mdc, null);

        assertThat(line).doesNotContain("\n");
        JsonNode event = JSON.readTree(line);
        assertThat(event.path("timestamp").asText()).isEqualTo("2026-11-22T05:00:00Z");
        assertThat(event.path("level").asText()).isEqualTo("WARN");
        assertThat(event.path("logger").asText()).isEqualTo("io.wabridge.X");
        assertThat(event.path("message").asText()).isEqualTo("said \"hi\"\nand left\t\u0001");
        assertThat(event.path("tenantId").asText()).isEqualTo("acme");
        assertThat(event.path("phoneNumberId").asText()).isEqualTo("1065");
        assertThat(event.path("wamid").asText()).isEqualTo("wamid.X");
        assertThat(event.path("messageId").asText()).isEqualTo("m-1");
    }

    @Test
    void aFailureCarriesItsTypeMessageAndFirstFrames() throws Exception {
        var error = new IllegalStateException("boom", new java.io.IOException("reset"));
        JsonNode event = JSON.readTree(JsonLogger.line(Instant.now(), Level.ERROR, "x", "failed", Map.of(), error));
        assertThat(event.path("error").path("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(event.path("error").path("message").asText()).isEqualTo("boom");
        assertThat(event.path("error").path("stack")).isNotEmpty().hasSizeLessThanOrEqualTo(12);
        assertThat(event.path("error").path("cause").asText()).isEqualTo("java.io.IOException: reset");
    }

    @Test
    void theProvidersLoggersFormatArgumentsReadTheMdcAndKeepTheSdkQuiet() throws Exception {
        JsonLogProvider provider = new JsonLogProvider();
        provider.initialize();
        Logger log = provider.getLoggerFactory().getLogger("io.wabridge.functions.Test");
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            provider.getMDCAdapter().put("tenantId", "acme"); // MDC.put in the Lambda jar, where this provider is the binding
            log.info("sent {} of {}", 3, 4);
            log.debug("not shown");
            provider.getLoggerFactory().getLogger("software.amazon.awssdk.request").info("not shown either");
        } finally {
            provider.getMDCAdapter().remove("tenantId");
            System.setOut(original);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines[0]);
        assertThat(event.path("message").asText()).isEqualTo("sent 3 of 4");
        assertThat(event.path("level").asText()).isEqualTo("INFO");
        assertThat(event.path("tenantId").asText()).isEqualTo("acme");
    }
}
