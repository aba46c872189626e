package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.metrics.EmfMetrics;
import java.util.function.Supplier;

/** What a handler reads about the invocation it is running. */
public final class Invocation {

    private Invocation() {}

    /** The function's name, the {@code FunctionName} dimension of its metrics ("unknown" without a context). */
    public static String functionName(Context context) {
        return context == null || context.getFunctionName() == null ? "unknown" : context.getFunctionName();
    }

    /** Runs one invocation's work in its trace ({@link Tracing}) and writes its metrics at the end, however it ends. */
    public static <T> T run(Context context, EmfMetrics metrics, Supplier<T> work) {
        Tracing.begin(context);
        try {
            return work.get();
        } finally {
            metrics.flush(functionName(context));
            Tracing.end();
        }
    }
}
