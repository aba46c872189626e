package io.wabridge.sandbox;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Faults injected into the Graph API by tests: 5xx answers, Graph errors, slow answers, timeouts, and answers
 * lost after Meta acted on the request.
 */
public final class Faults {

    /** What a matching request gets. */
    public enum Kind {
        /** An HTTP status with Meta's error body (e.g. 500 code 1, 503 code 2). */
        HTTP_STATUS,
        /** A Graph error code, e.g. 4 (app rate limit), 80007, 130429, 131000. */
        GRAPH_ERROR,
        /** Answer normally, after {@code delayMillis}. */
        SLOW,
        /** Hold the request for {@code delayMillis}, then drop the connection without an answer. */
        TIMEOUT,
        /**
         * Act on the request as usual (a send is sent, its statuses follow), then hold for {@code delayMillis}
         * and drop the connection: the caller cannot tell this from {@link #TIMEOUT}.
         */
        ANSWER_LOST
    }

    /** A rule: requests whose method and path match get the fault, {@code times} times (-1 = always). */
    public record Rule(String method, String pathRegex, Kind kind, int httpStatus, int code, long delayMillis, int times) {
        public static Rule status(String pathRegex, int httpStatus, int times) {
            return new Rule(null, pathRegex, Kind.HTTP_STATUS, httpStatus, httpStatus >= 503 ? 2 : 1, 0, times);
        }

        public static Rule graphError(String pathRegex, int code, int times) {
            return new Rule(null, pathRegex, Kind.GRAPH_ERROR, 0, code, 0, times);   // 0: Meta's status for the code
        }

        public static Rule slow(String pathRegex, long delayMillis, int times) {
            return new Rule(null, pathRegex, Kind.SLOW, 200, 0, delayMillis, times);
        }

        public static Rule timeout(String pathRegex, long holdMillis, int times) {
            return new Rule(null, pathRegex, Kind.TIMEOUT, 0, 0, holdMillis, times);
        }

        public static Rule answerLost(String pathRegex, long holdMillis, int times) {
            return new Rule(null, pathRegex, Kind.ANSWER_LOST, 0, 0, holdMillis, times);
        }
    }

    private record Active(Rule rule, Pattern pattern, AtomicInteger remaining) {}

    private final List<Active> rules = new CopyOnWriteArrayList<>();
    private final java.util.Map<Kind, java.util.concurrent.atomic.AtomicLong> fired = new java.util.concurrent.ConcurrentHashMap<>();

    public void add(Rule rule) {
        rules.add(new Active(rule, Pattern.compile(rule.pathRegex()), new AtomicInteger(rule.times())));
    }

    public void clear() {
        rules.clear();
    }

    /** How many requests got each kind of fault so far. */
    public java.util.Map<Kind, Long> fired() {
        java.util.Map<Kind, Long> out = new java.util.EnumMap<>(Kind.class);
        fired.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The first rule that matches and still has uses left (using one), or null. */
    Rule take(String method, String path) {
        for (Active a : rules) {
            if ((a.rule().method() == null || a.rule().method().equalsIgnoreCase(method)) && a.pattern().matcher(path).find()) {
                int left = a.remaining().get();
                if (left == -1 || (left > 0 && a.remaining().compareAndSet(left, left - 1))) {
                    fired.computeIfAbsent(a.rule().kind(), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                    return a.rule();
                }
            }
        }
        return null;
    }

    /** The error a rule injects, answered with the rule's HTTP status or else Meta's status for the code. */
    static GraphError error(Rule rule) {
        int status = rule.httpStatus() != 0 ? rule.httpStatus() : GraphError.httpStatusFor(rule.code());
        return switch (rule.code()) {
            case 4 -> GraphError.whatsapp(status, 4, "Application request limit reached", "Too many calls from this app");
            case 80007 -> GraphError.whatsapp(status, 80007, "Rate limit issues", "The WhatsApp Business Account has reached its rate limit.");
            case 130429 -> GraphError.whatsapp(status, 130429, "Rate limit hit", "Cloud API message throughput has been reached.");
            case 131000 -> GraphError.whatsapp(status, 131000, "Something went wrong", "Something went wrong");
            case 131016 -> GraphError.whatsapp(status, 131016, "Service unavailable", "A service is temporarily unavailable.");
            case 131047 -> GraphError.whatsapp(status, 131047, "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
            case 131026 -> GraphError.whatsapp(status, 131026, "Message undeliverable", "Message Undeliverable.");
            case 2 -> new GraphError(status, 2, null, "OAuthException", "An unexpected error has occurred. Please retry your request later.", null);
            case 1 -> new GraphError(status, 1, null, "OAuthException", "An unknown error occurred", null);
            case 190 -> GraphError.invalidToken("Error validating access token: The session has been invalidated because the user changed their "
                    + "password or Facebook has changed the session for security reasons.", 460);
            default -> GraphError.whatsapp(status, rule.code(), "Injected error", "injected by the sandbox");
        };
    }
}
