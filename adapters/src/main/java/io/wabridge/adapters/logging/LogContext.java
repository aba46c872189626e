package io.wabridge.adapters.logging;

import java.util.Map;

/**
 * The fields of the invocation a thread is running, which {@link JsonLogger} writes in every line: the request id
 * ({@value #REQUEST_ID}, Lambda's, the one of its START/END/REPORT lines) and the cold-start flag
 * ({@value #COLD_START}). Kept apart from the MDC, which holds the fields of the work at hand (a record's, cleared
 * between records) and which a binding may ignore.
 */
public final class LogContext {

    public static final String REQUEST_ID = "requestId";
    public static final String COLD_START = "coldStart";

    private record Fields(String requestId, boolean coldStart) {}

    private static final ThreadLocal<Fields> CURRENT = new ThreadLocal<>();

    private LogContext() {}

    /** Starts an invocation on this thread. */
    public static void begin(String requestId, boolean coldStart) {
        CURRENT.set(new Fields(requestId, coldStart));
    }

    /** Ends it. */
    public static void end() {
        CURRENT.remove();
    }

    /** The request id of the invocation this thread runs, if any. */
    public static java.util.Optional<String> requestId() {
        Fields f = CURRENT.get();
        return f == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(f.requestId());
    }

    /** Whether the invocation this thread runs is its function's first in this container (empty outside an invocation). */
    public static java.util.Optional<Boolean> coldStart() {
        Fields f = CURRENT.get();
        return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.coldStart());
    }

    /** The fields as a log line holds them (none outside an invocation). */
    static Map<String, Object> fields() {
        Fields f = CURRENT.get();
        if (f == null) {
            return Map.of();
        }
        return f.requestId() == null ? Map.of(COLD_START, f.coldStart()) : Map.of(REQUEST_ID, f.requestId(), COLD_START, f.coldStart());
    }
}
