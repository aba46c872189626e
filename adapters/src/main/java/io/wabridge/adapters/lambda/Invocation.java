package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;

/** What a handler reads about the invocation it is running. */
public final class Invocation {

    private Invocation() {}

    /** The function's name, the {@code FunctionName} dimension of its metrics ("unknown" without a context). */
    public static String functionName(Context context) {
        return context == null || context.getFunctionName() == null ? "unknown" : context.getFunctionName();
    }
}
