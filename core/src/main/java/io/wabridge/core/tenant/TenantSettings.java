package io.wabridge.core.tenant;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's settings. The bot hook's signing secret is not here: it is sealed in the token vault
 * ({@code HOOK_SIGNING_SECRET}) and never returned.
 *
 * @param version increases by one with every change; {@code updatedBy} is the JWT subject that made it
 */
public record TenantSettings(URI botHookUrl, int botHookTimeoutMillis, String displayName, String optInIntent, boolean optInForUtility,
                             boolean optInForMarketing, List<String> stopKeywords, List<String> startKeywords, String defaultTemplateLanguage,
                             Reminders optInReminders, long version, Instant updatedAt, String updatedBy) {

    /**
     * Opt-in reminders to contacts who write but never opted in: at most {@code max} (0: none), one a day,
     * {@code afterMinutes} after such a message, sent inside the window the message opened
     * ({@code via = window}) or raised as a {@code consent.reminder} event with an opt-in link ({@code via = fallback}).
     */
    public record Reminders(int max, String via, int afterMinutes) {
        public static final Reminders OFF = new Reminders(0, "window", 30);
    }

    public static final List<String> DEFAULT_STOP = List.of("STOP", "UNSUBSCRIBE", "BERHENTI");
    public static final List<String> DEFAULT_START = List.of("START", "MULAI");

    public static TenantSettings defaults() {
        return new TenantSettings(null, 10_000, null, null, false, true, DEFAULT_STOP, DEFAULT_START, "en_US", Reminders.OFF, 0, null, null);
    }

    public TenantSettings {
        stopKeywords = List.copyOf(stopKeywords);
        startKeywords = List.copyOf(startKeywords);
        optInReminders = optInReminders == null ? Reminders.OFF : optInReminders;
    }
}
