package io.wabridge.adapters.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.config.AppConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

class JsonLogProviderTest {

    private static JsonLogProvider provider(Map<String, String> env) {
        JsonLogProvider provider = new JsonLogProvider(() -> AppConfig.of(env));
        provider.initialize();
        return provider;
    }

    @Test
    void logsAtTheLevelLogLevelNames() {
        Logger debug = provider(Map.of("LOG_LEVEL", "DEBUG")).getLoggerFactory().getLogger("io.wabridge.functions.X");
        assertThat(debug.isDebugEnabled()).isTrue();
        assertThat(debug.isTraceEnabled()).isFalse();

        Logger error = provider(Map.of("LOG_LEVEL", "error")).getLoggerFactory().getLogger("io.wabridge.functions.X");
        assertThat(error.isWarnEnabled()).isFalse();
        assertThat(error.isErrorEnabled()).isTrue();

        Logger unset = provider(Map.of()).getLoggerFactory().getLogger("io.wabridge.functions.X");
        assertThat(unset.isInfoEnabled()).isTrue();
        assertThat(unset.isDebugEnabled()).isFalse();
    }

    @Test
    void keepsTheAwsSdkAtWarnUnlessTheLevelIsStricter() {
        JsonLogProvider trace = provider(Map.of("LOG_LEVEL", "TRACE"));
        assertThat(trace.getLoggerFactory().getLogger("io.wabridge.X").isTraceEnabled()).isTrue();
        Logger sdk = trace.getLoggerFactory().getLogger("software.amazon.awssdk.request");
        assertThat(sdk.isInfoEnabled()).isFalse();
        assertThat(sdk.isWarnEnabled()).isTrue();
        assertThat(provider(Map.of("LOG_LEVEL", "ERROR")).getLoggerFactory().getLogger("org.apache.http.wire").isWarnEnabled()).isFalse();
    }

    @Test
    void anUnknownLevelIsInfo() {
        assertThat(JsonLogProvider.threshold(Optional.of("LOUD"))).isEqualTo(Level.INFO);
        assertThat(JsonLogProvider.threshold(Optional.of(" warn "))).isEqualTo(Level.WARN);
    }

    @Test
    void aDebugLineIsWrittenOnlyAtDebug() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            provider(Map.of("LOG_LEVEL", "INFO")).getLoggerFactory().getLogger("io.wabridge.X").debug("hidden-4e1f");
            provider(Map.of("LOG_LEVEL", "DEBUG")).getLoggerFactory().getLogger("io.wabridge.X").debug("shown-7a2c");
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("shown-7a2c").doesNotContain("hidden-4e1f");
    }
}
