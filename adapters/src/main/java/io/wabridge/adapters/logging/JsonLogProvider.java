package io.wabridge.adapters.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * lines from {@link JsonLogger}, INFO and up, WARN and up for the AWS SDK and its HTTP stack.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {

    private static final Map<String, Level> QUIETER = Map.of("software.amazon.awssdk", Level.WARN, "org.apache", Level.WARN);

    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> new JsonLogger(n, levelFor(n), mdc));
    private final IMarkerFactory markers = new BasicMarkerFactory();

    static Level levelFor(String name) {
        return QUIETER.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(Level.INFO);
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
        // nothing to set up
    }
}
