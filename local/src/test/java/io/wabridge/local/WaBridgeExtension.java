package io.wabridge.local;

import io.wabridge.sandbox.MetaSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives {@link EndToEnd} classes their {@link Target}: locally the runtime every such class shares (started at the
 * first class that asks, stopped when the test run ends) or one of the class's own; with {@code -Dwabridge.target=aws}
 * the deployed stack its settings name, classes that need the local parts being skipped with the reason. Parameters of
 * type {@link Target}, {@link LocalRuntime} and {@link MetaSandbox} are resolved for {@code @BeforeAll} and test methods.
 */
public final class WaBridgeExtension implements BeforeAllCallback, ParameterResolver {

    static final String TEMPLATE = "../template.yaml";
    static final String OPEN_API = "../openapi.yaml";
    /** How fast the shared sandbox moves a sent message through sent, delivered and read. */
    static final long STATUS_STEP_MILLIS = 20;

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(WaBridgeExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        EndToEnd spec = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), EndToEnd.class)
                .orElseThrow(() -> new IllegalStateException(context.getRequiredTestClass() + " uses the extension without @EndToEnd"));
        Target target;
        if (Target.selected(Target::fromSystem).equals("aws")) {
            target = Target.aws(Target::fromSystem);
            Assumptions.assumeFalse(spec.localOnly(), () -> context.getRequiredTestClass().getSimpleName()
                    + " needs the local runtime (the Meta sandbox playing Meta, the local tables and queues): skipped with "
                    + Target.TARGET + "=aws");
        } else {
            target = new Target.Local(needsOwn(spec) ? own(context, spec) : shared(context));
        }
        context.getStore(NS).put(Target.class, target);
    }

    static boolean needsOwn(EndToEnd spec) {
        return spec.ownRuntime() || spec.parameters().length > 0 || !spec.template().equals(TEMPLATE);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Target.class || type == LocalRuntime.class || type == MetaSandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Target target = context.getStore(NS).get(Target.class, Target.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == Target.class) {
            return target;
        }
        LocalRuntime runtime = target.runtime().orElseThrow(() -> new IllegalStateException(
                "a parameter of type " + type.getSimpleName() + " needs the local runtime; mark the class @EndToEnd(localOnly = true)"));
        return type == LocalRuntime.class ? runtime : runtime.sandbox();
    }

    /**
     * The runtime the classes share, started by the first one that asks. A class starts once the runtime is idle, so
     * that nothing the class before it set going (a status, a retried webhook) lands in its checks.
     */
    private static LocalRuntime shared(ExtensionContext context) {
        LocalRuntime runtime = context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(Running.class, k -> Running.start(Map.of(), TEMPLATE), Running.class).runtime;
        runtime.awaitIdle(Duration.ofSeconds(60));
        return runtime;
    }

    /** A runtime of the class's own, stopped after the class. */
    private static LocalRuntime own(ExtensionContext context, EndToEnd spec) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : spec.parameters()) {
            int eq = p.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("@EndToEnd parameters are Name=Value, not " + p);
            }
            parameters.put(p.substring(0, eq), p.substring(eq + 1));
        }
        Running running = Running.start(parameters, spec.template());
        context.getStore(NS).put(Running.class, running);
        return running.runtime;
    }

    /** A runtime and its data directory, both gone when JUnit closes the store that holds it. */
    private record Running(LocalRuntime runtime, Path data) implements AutoCloseable {
        static Running start(Map<String, String> parameters, String template) {
            Path data = null;
            try {
                data = Files.createTempDirectory("wabridge-e2e-");
                // Queues in memory: the shared runtime lives beside the runtimes other classes start (see withQueuesInMemory).
                LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of(template), Path.of(OPEN_API))
                        .withParameters(parameters).withQueuesInMemory());
                runtime.sandbox().statusStepMillis(STATUS_STEP_MILLIS);
                return new Running(runtime, data);
            } catch (Exception e) {
                delete(data);
                throw new IllegalStateException("the local runtime did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            runtime.close();
            delete(data);
        }

        private static void delete(Path dir) {
            if (dir == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind is no failure of the tests
            }
        }
    }
}
