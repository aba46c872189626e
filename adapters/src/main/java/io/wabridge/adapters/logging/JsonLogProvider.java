package io.wabridge.adapters.logging;

import io.wabridge.adapters.config.AppConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the Lambda jars (registered only in their shaded jars, see functions/pom.xml): JSON
 * lines from {@link JsonLogger} at the level {@code LOG_LEVEL} names ({@code TRACE}, {@code DEBUG},
 * {@code INFO}, {@code WARN}, {@code ERROR}; INFO when unset or not one of them), and no lower than WARN for
 * the AWS SDK and its HTTP stack.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {

    private static final Map<String, Level> QUIETER = Map.of("software.amazon.awssdk", Level.WARN, "org.apache", Level.WARN);

    private final Supplier<AppConfig> config;
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> new JsonLogger(n, levelFor(n), mdc));
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private volatile Level threshold = Level.INFO;

    /** What SLF4J loads: the level from the function's environment. */
    public JsonLogProvider() {
        this(AppConfig::fromSystem);
    }

    JsonLogProvider(Supplier<AppConfig> config) {
        this.config = config;
    }

    /** The level {@code LOG_LEVEL} names, INFO when it names none. */
    static Level threshold(Optional<String> logLevel) {
        return logLevel.map(v -> v.strip().toUpperCase(Locale.ROOT))
                .filter(v -> v.matches("TRACE|DEBUG|INFO|WARN|ERROR"))
                .map(Level::valueOf).orElse(Level.INFO);
    }

    Level levelFor(String name) {
        Level quieter = QUIETER.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
        return quieter != null && quieter.toInt() > threshold.toInt() ? quieter : threshold;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        threshold = threshold(config.get().logLevel());
    }
}
