package io.wabridge.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.config.Wiring;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One function of the template, running its real handler class in this JVM. The handler is built the
 * way a Lambda container builds it (once, before the first event) but from the environment the template
 * gives this function, resolved against the local parts; every invocation gets the function's timeout.
 */
public final class LocalFunction {

    private static final Logger log = LoggerFactory.getLogger(LocalFunction.class);

    /** What the template says about a function, with its environment resolved. */
    public record Definition(String logicalId, String functionName, String handler, int timeoutSeconds, int memoryMb,
                             Map<String, String> environment) {}

    /** The handler threw or timed out; Lambda would report a function error. */
    public static final class InvocationFailed extends Exception {
        InvocationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Definition definition;
    private final AppConfig config;
    private final Object handler;
    private final Method method;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final long initMillis;
    private final java.util.concurrent.atomic.AtomicLong invocations = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong durationNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    /** Invocations so far, how many failed (error or timeout), and their summed duration (what Lambda bills). */
    public record Stats(long invocations, long errors, long durationNanos) {}

    private LocalFunction(Definition definition, AppConfig config, Object handler, Method method, long initMillis) {
        this.definition = definition;
        this.config = config;
        this.handler = handler;
        this.method = method;
        this.initMillis = initMillis;
    }

    /** Loads and constructs the handler: the local equivalent of a Lambda cold start. */
    public static LocalFunction start(Definition definition) {
        long started = System.nanoTime();
        String[] parts = definition.handler().split("::", 2);
        String methodName = parts.length > 1 ? parts[1] : "handleRequest";
        try {
            Class<?> type = Class.forName(parts[0]);
            AppConfig config = AppConfig.of(definition.environment());
            Object handler = construct(type, new Wiring(config));
            Method method = Arrays.stream(type.getMethods())
                    .filter(m -> m.getName().equals(methodName) && !m.isBridge() && m.getParameterCount() == 2
                            && m.getParameterTypes()[1] == Context.class)
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            definition.handler() + " has no method " + methodName + "(input, Context)"));
            return new LocalFunction(definition, config, handler, method, (System.nanoTime() - started) / 1_000_000);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("handler class of " + definition.logicalId() + " not found: " + parts[0], e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(parts[0] + " needs a public constructor taking Components (or Wiring) to run locally", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("init of " + definition.logicalId() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + parts[0], e);
        }
    }

    /** The function's components over its own wiring (one per function, as Lambda has one per container). */
    private static Object construct(Class<?> type, Wiring wiring) throws ReflectiveOperationException {
        try {
            return type.getConstructor(Components.class).newInstance(new Components(wiring));
        } catch (NoSuchMethodException noComponents) {
            return type.getConstructor(Wiring.class).newInstance(wiring); // a test function that needs only clients
        }
    }

    public Definition definition() {
        return definition;
    }

    /** The configuration the handler was built with (it records which variables the code required). */
    public AppConfig config() {
        return config;
    }

    /** The type of event the handler takes, e.g. {@code SQSEvent}. */
    public Class<?> inputType() {
        return method.getParameterTypes()[0];
    }

    public long initMillis() {
        return initMillis;
    }

    public Stats stats() {
        return new Stats(invocations.get(), errors.get(), durationNanos.get());
    }

    /**
     * Invocations whose handler code has not stopped yet: one that timed out counts until its thread ends,
     * as it may still be writing (the local runtime's idle barrier waits for it).
     */
    public int running() {
        return running.get();
    }

    /** Runs the handler once in a new trace; a thrown exception or a timeout is a function error. */
    public Object invoke(Object event) throws InvocationFailed {
        return invoke(event, LocalTrace.newHeader());
    }

    /** Runs the handler once with the given X-Ray trace header; a thrown exception or a timeout is a function error. */
    public Object invoke(Object event, String traceHeader) throws InvocationFailed {
        String requestId = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + definition.timeoutSeconds() * 1000L;
        Context context = new LocalContext(definition, requestId, deadline, traceHeader);
        long started = System.nanoTime();
        invocations.incrementAndGet();
        // Counted from here until the handler's thread ends, or until a cancel that came before it started
        // (then it never runs): whichever side claims the invocation first owns the decrement.
        running.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.Callable<Object> call = () -> {
            if (!claimed.compareAndSet(false, true)) {
                return null;
            }
            LocalTrace.set(traceHeader);
            try {
                return method.invoke(handler, event, context);
            } finally {
                LocalTrace.clear();
                running.decrementAndGet();
            }
        };
        Future<Object> result;
        try {
            result = executor.submit(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.decrementAndGet(); // closed: nothing runs
            throw e;
        }
        try {
            return result.get(definition.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            errors.incrementAndGet();
            result.cancel(true);
            log.warn("{} request {} timed out after {} s", definition.logicalId(), requestId, definition.timeoutSeconds());
            throw new InvocationFailed("Task timed out after " + definition.timeoutSeconds() + " seconds", e);
        } catch (ExecutionException e) {
            errors.incrementAndGet();
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            log.warn("{} request {} failed: {}", definition.logicalId(), requestId, cause.toString());
            throw new InvocationFailed(cause.getClass().getName(), cause);
        } catch (InterruptedException e) {
            // The caller was stopped (the event source crashed): the invocation stops with it.
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new InvocationFailed("interrupted", e);
        } finally {
            durationNanos.addAndGet(System.nanoTime() - started);
            if (result.isCancelled() && claimed.compareAndSet(false, true)) {
                running.decrementAndGet();
            }
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
