package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * The X-Ray trace of the work a handler is doing, carried across the queues: the trace id (the header's
 * {@code Root}) goes into the MDC as {@code traceId}, so every log line and metric line of that work carries it.
 *
 * <p>An HTTP invocation works in its own trace: Lambda passes its header in the invocation (the Lambda
 * {@code Context}; java21's runtime also sets the system property {@code com.amazonaws.xray.traceHeader}). The
 * AWS SDK sends that header with each call ({@code X-Amzn-Trace-Id}, its {@code TraceIdExecutionInterceptor}),
 * and SQS keeps it with each message sent as the {@code AWSTraceHeader} system attribute, so nothing here adds
 * it. A queue consumer's invocation has a trace of its own, but each record it handles continues the trace of the
 * message ({@link #enter(SQSEvent.SQSMessage)}): its log lines carry that trace id, and the messages it sends on
 * carry the record's header ({@code SqsTracePropagation}; SQS lets the attribute override the HTTP header).
 *
 * @see <a href="https://docs.aws.amazon.com/xray/latest/devguide/xray-services-sqs.html">Amazon SQS and AWS X-Ray</a>
 */
public final class Tracing {

    /** The system property Lambda's Java runtime sets to the invocation's trace header. */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    /** The SQS message system attribute that carries a trace header. */
    public static final String SQS_ATTRIBUTE = "AWSTraceHeader";

    private static final ThreadLocal<String> CONTINUED = new ThreadLocal<>();
    /** The invocation's own trace id, and the one of the work at hand (also kept apart from the MDC, which a binding may ignore). */
    private static final ThreadLocal<String> INVOCATION = new ThreadLocal<>();
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private Tracing() {}

    /** Starts an invocation: the MDC holds its trace id only, and no message trace is continued. */
    public static void begin(Context context) {
        MDC.clear();
        CONTINUED.remove();
        String root = invocationHeader(context).flatMap(Tracing::root).orElse(null);
        INVOCATION.set(root);
        current(root);
    }

    /**
     * Starts a record of a queue consumer's batch: the MDC holds its trace id (the message's; the invocation's
     * when the message carries none), and messages sent while handling it continue its trace.
     */
    public static void enter(SQSEvent.SQSMessage record) {
        String header = record.getAttributes() == null ? null : record.getAttributes().get(SQS_ATTRIBUTE);
        Optional<String> root = Optional.ofNullable(header).flatMap(Tracing::root);
        if (root.isPresent()) {
            CONTINUED.set(header);
            current(root.get());
        } else {
            CONTINUED.remove();
            current(INVOCATION.get());
        }
    }

    /** Ends the invocation's trace context on this thread. */
    public static void end() {
        CONTINUED.remove();
        INVOCATION.remove();
        CURRENT.remove();
        MDC.clear();
    }

    private static void current(String root) {
        if (root == null) {
            CURRENT.remove();
            MDC.remove("traceId");
        } else {
            CURRENT.set(root);
            MDC.put("traceId", root);
        }
    }

    /** The trace header of the message being handled, for the messages sent on while handling it. */
    public static Optional<String> continued() {
        return Optional.ofNullable(CONTINUED.get());
    }

    /** The trace id of the current work, if it is traced. */
    public static Optional<String> traceId() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The invocation's trace header: from the Lambda context, else the runtime's system property. */
    static Optional<String> invocationHeader(Context context) {
        String header = context == null ? null : context.getXrayTraceId();
        if (header == null || header.isBlank()) {
            header = System.getProperty(TRACE_HEADER_PROPERTY);
        }
        return header == null || header.isBlank() ? Optional.empty() : Optional.of(header);
    }

    /** The {@code Root} of an X-Ray trace header ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=...;Sampled=1}). */
    public static Optional<String> root(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith("Root=") && p.length() > 5) {
                return Optional.of(p.substring(5));
            }
        }
        return Optional.empty();
    }
}
