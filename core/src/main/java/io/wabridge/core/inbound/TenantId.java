package io.wabridge.core.inbound;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A SaaS platform's customer. Comes from a verified JWT or a routing record, never from a request body.
 *
 * <p>A tenant id is 1-64 characters of {@code A-Z a-z 0-9 . _ : -} starting with a letter ({@link #PATTERN}), and not
 * one of JSON's words {@code null}, {@code true}, {@code false}. API Gateway hands every JWT claim to the function as
 * text (a JSON {@code null} or {@code true}, a number, an array as {@code [a b]}, an object as its JSON), so this rule is
 * what keeps such claims from becoming one tenant shared by every token that carries them.
 */
public record TenantId(String value) {

    /** The documented shape of a tenant id. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9._:-]{0,63}");

    /** What a tenant id must be, in words (for error messages). */
    public static final String RULE = "1-64 characters of A-Z a-z 0-9 . _ : - starting with a letter, not null/true/false";

    private static final Set<String> JSON_WORDS = Set.of("null", "true", "false");

    public TenantId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("tenant id must be " + RULE);
        }
    }

    /** Whether {@code value} may name a tenant. */
    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches() && !JSON_WORDS.contains(value.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
