package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.metrics.EmfMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import io.wabridge.adapters.logging.LogContext;

/**
 * What a handler reads about the invocation it is running, and the context of its log lines: every line written while
 * it runs carries its request id and whether it is a cold start ({@link LogContext}), and its trace ({@link Tracing}).
 */
public final class Invocation {

    /** The functions that have run an invocation in this JVM (one on Lambda; the local runtime runs them all in one). */
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

    private Invocation() {}

    /** The function's name, the {@code FunctionName} dimension of its metrics ("unknown" without a context). */
    public static String functionName(Context context) {
        return context == null || context.getFunctionName() == null ? "unknown" : context.getFunctionName();
    }

    /** Runs one invocation's work in its log context and trace and writes its metrics at the end, however it ends. */
    public static <T> T run(Context context, EmfMetrics metrics, Supplier<T> work) {
        begin(context);
        try {
            return work.get();
        } finally {
            metrics.flush(functionName(context));
            end();
        }
    }

    /** Runs one invocation's work in its log context and trace, for a handler that writes no metrics. */
    public static <T> T run(Context context, Supplier<T> work) {
        begin(context);
        try {
            return work.get();
        } finally {
            end();
        }
    }

    private static void begin(Context context) {
        Tracing.begin(context);
        LogContext.begin(context == null ? null : context.getAwsRequestId(), STARTED.add(functionName(context)));
    }

    private static void end() {
        Tracing.end();
        LogContext.end();
    }
}
