package io.wabridge.adapters.logging;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;

/**
 * Writes each log event as one JSON line to standard output, which Lambda sends to CloudWatch Logs as one
 * event: {@code timestamp}, {@code level}, {@code logger}, {@code message}, the invocation's {@code requestId} and
 * {@code coldStart} ({@link LogContext}), then the MDC entries
 * ({@code tenantId}, {@code phoneNumberId}, {@code wamid}, {@code messageId}, ...) and, for a failure,
 * {@code error} with its type, message and first frames. CloudWatch Logs Insights discovers the fields.
 */
public final class JsonLogger extends LegacyAbstractLogger {

    private static final int STACK_FRAMES = 12;
    /** MDC keys that would shadow the event's own fields are left out. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("timestamp", "level", "logger", "message", "error",
            LogContext.REQUEST_ID, LogContext.COLD_START);

    private final int threshold;
    private final transient MDCAdapter mdc;

    JsonLogger(String name, Level threshold, MDCAdapter mdc) {
        this.name = name;
        this.mdc = mdc;
        this.threshold = threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return threshold <= Level.TRACE.toInt();
    }

    @Override
    public boolean isDebugEnabled() {
        return threshold <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return threshold <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return threshold <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return threshold <= Level.ERROR.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        var formatted = MessageFormatter.arrayFormat(pattern, arguments, throwable);
        PrintStream out = System.out; // read per call: Lambda (and tests) may replace it
        out.println(line(Instant.now(), level, name, formatted.getMessage(), mdc.getCopyOfContextMap(), formatted.getThrowable()));
    }

    static String line(Instant at, Level level, String logger, String message, Map<String, String> mdc, Throwable error) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "timestamp", at.toString()).append(',');
        field(json, "level", level.name()).append(',');
        field(json, "logger", logger).append(',');
        field(json, "message", message);
        LogContext.fields().forEach((k, v) -> {
            json.append(',');
            if (v instanceof Boolean b) {
                quote(json, k).append(':').append(b);
            } else {
                field(json, k, String.valueOf(v));
            }
        });
        if (mdc != null) {
            mdc.forEach((k, v) -> {
                if (!RESERVED.contains(k)) {
                    field(json.append(','), k, v);
                }
            });
        }
        if (error != null) {
            json.append(",\"error\":{");
            field(json, "type", error.getClass().getName()).append(',');
            field(json, "message", String.valueOf(error.getMessage())).append(",\"stack\":[");
            StackTraceElement[] frames = error.getStackTrace();
            for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++) {
                quote(json.append(i == 0 ? "" : ","), frames[i].toString());
            }
            json.append(']');
            if (error.getCause() != null) {
                json.append(',');
                field(json, "cause", error.getCause().getClass().getName() + ": " + error.getCause().getMessage());
            }
            json.append('}');
        }
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String key, String value) {
        quote(json, key).append(':');
        return value == null ? json.append("null") : quote(json, value);
    }

    private static StringBuilder quote(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
