package io.wabridge.local.lambda;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The X-Ray trace header of each local invocation, as Lambda gives one to every invocation of a function with
 * {@code Tracing: Active}: {@code Root=1-{epoch seconds, 8 hex}-{24 hex};Parent={16 hex};Sampled=1}. The
 * handler reads it from its {@code Context}; the SDK calls it makes on the invocation's thread carry it
 * ({@link LocalTraceHeaders}).
 */
public final class LocalTrace {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ROOT = Pattern.compile("1-[0-9a-f]{8}-[0-9a-f]{24}");
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private LocalTrace() {}

    /** A new trace, sampled. */
    public static String newHeader() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return "Root=1-" + String.format("%08x", System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(id)
                + ";Parent=" + segmentId() + ";Sampled=1";
    }

    /**
     * The header of an invocation that continues the trace of an incoming {@code X-Amzn-Trace-Id} header (as
     * API Gateway passes it on), or of a new trace when there is none or it is not an X-Ray header.
     */
    public static String continuing(String incoming) {
        Optional<String> root = root(incoming);
        return root.map(r -> "Root=" + r + ";Parent=" + segmentId() + ";Sampled=1").orElseGet(LocalTrace::newHeader);
    }

    /** The trace header of the invocation running on this thread. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static void set(String header) {
        CURRENT.set(header);
    }

    static void clear() {
        CURRENT.remove();
    }

    static Optional<String> root(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith("Root=") && ROOT.matcher(p.substring(5)).matches()) {
                return Optional.of(p.substring(5));
            }
        }
        return Optional.empty();
    }

    private static String segmentId() {
        byte[] parent = new byte[8];
        RANDOM.nextBytes(parent);
        return HexFormat.of().formatHex(parent);
    }
}
