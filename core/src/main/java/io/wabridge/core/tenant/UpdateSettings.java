package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and changes a tenant's settings, field by field: only the fields a change names are touched, each
 * is validated, and the result is saved over the version it was read from with who changed it and when.
 */
public final class UpdateSettings {

    private final SettingsStore store;
    private final TokenVault vault;
    private final Clock clock;
    private final UrlCheck urls;

    public UpdateSettings(SettingsStore store, TokenVault vault, Clock clock) {
        this(store, vault, clock, UrlCheck.HTTPS_ONLY);
    }

    /** @param urls the policy for tenant-supplied URLs (checked again at each call) */
    public UpdateSettings(SettingsStore store, TokenVault vault, Clock clock, UrlCheck urls) {
        this.store = Objects.requireNonNull(store);
        this.vault = Objects.requireNonNull(vault);
        this.clock = Objects.requireNonNull(clock);
        this.urls = Objects.requireNonNull(urls);
    }

    public TenantSettings get(TenantId tenant) {
        return store.get(tenant).orElse(TenantSettings.defaults());
    }

    /** Whether a bot hook signing secret is stored (the secret itself is never shown). */
    public boolean hasHookSecret(TenantId tenant) {
        return vault.reveal(hookSecret(tenant)).isPresent();
    }

    public static SecretContext hookSecret(TenantId tenant) {
        return new SecretContext(tenant.value(), SecretContext.TENANT_WIDE, SecretField.HOOK_SIGNING_SECRET);
    }

    /**
     * Applies a partial change (JSON-like map: {@code botHook {url, secret, timeoutMs}}, {@code displayName},
     * {@code optInIntent}, {@code optInPolicy {utility, marketing}}, {@code keywords {stop, start}},
     * {@code defaultTemplateLanguage}).
     */
    public TenantSettings update(TenantId tenant, Map<String, Object> change, String who) {
        for (String key : change.keySet()) {
            if (!List.of("botHook", "displayName", "optInIntent", "optInPolicy", "keywords", "defaultTemplateLanguage", "optInReminders").contains(key)) {
                throw new SettingsRejected(key, "unknown setting " + key);
            }
        }
        TenantSettings current = get(tenant);
        URI hookUrl = current.botHookUrl();
        int timeout = current.botHookTimeoutMillis();
        String hookSecret = null;
        if (change.containsKey("botHook")) {
            Object hook = change.get("botHook");
            if (hook == null) {
                hookUrl = null;
            } else if (hook instanceof Map<?, ?> h) {
                if (h.containsKey("url")) {
                    hookUrl = h.get("url") == null ? null : hookUrl(h.get("url"));
                }
                if (h.containsKey("timeoutMs")) {
                    timeout = integer(h.get("timeoutMs"), "botHook.timeoutMs", 1000, 25_000);
                }
                if (h.containsKey("secret")) {
                    if (!(h.get("secret") instanceof String s) || s.length() < 16 || s.length() > 256) {
                        throw new SettingsRejected("botHook.secret", "botHook.secret must be 16 to 256 characters");
                    }
                    hookSecret = s;
                }
            } else {
                throw new SettingsRejected("botHook", "botHook must be an object or null");
            }
            if (hookUrl != null && hookSecret == null && !hasHookSecret(tenant)) {
                throw new SettingsRejected("botHook.secret", "a bot hook needs a signing secret (botHook.secret)");
            }
        }
        boolean utility = current.optInForUtility();
        boolean marketing = current.optInForMarketing();
        if (change.containsKey("optInPolicy")) {
            if (!(change.get("optInPolicy") instanceof Map<?, ?> p)) {
                throw new SettingsRejected("optInPolicy", "optInPolicy must be an object {utility, marketing}");
            }
            utility = p.containsKey("utility") ? bool(p.get("utility"), "optInPolicy.utility") : utility;
            marketing = p.containsKey("marketing") ? bool(p.get("marketing"), "optInPolicy.marketing") : marketing;
        }
        List<String> stop = current.stopKeywords();
        List<String> start = current.startKeywords();
        if (change.containsKey("keywords")) {
            if (!(change.get("keywords") instanceof Map<?, ?> k)) {
                throw new SettingsRejected("keywords", "keywords must be an object {stop, start}");
            }
            stop = k.containsKey("stop") ? keywords(k.get("stop"), "keywords.stop") : stop;
            start = k.containsKey("start") ? keywords(k.get("start"), "keywords.start") : start;
            if (stop.stream().anyMatch(start::contains)) {
                throw new SettingsRejected("keywords", "a keyword cannot both stop and start");
            }
        }
        String language = change.containsKey("defaultTemplateLanguage") ? text(change.get("defaultTemplateLanguage"),
                "defaultTemplateLanguage", 2, 10) : current.defaultTemplateLanguage();
        if (!language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
            throw new SettingsRejected("defaultTemplateLanguage", "defaultTemplateLanguage must look like en_US or id");
        }
        TenantSettings.Reminders reminders = current.optInReminders();
        if (change.containsKey("optInReminders")) {
            if (!(change.get("optInReminders") instanceof Map<?, ?> r)) {
                throw new SettingsRejected("optInReminders", "optInReminders must be an object {max, via, afterMinutes}");
            }
            Object max = r.containsKey("max") ? r.get("max") : reminders.max();
            if (!(max instanceof Integer m) || m < 0 || m > 5) {
                throw new SettingsRejected("optInReminders.max", "optInReminders.max must be a whole number from 0 (off) to 5");
            }
            Object via = r.containsKey("via") ? r.get("via") : reminders.via();
            if (!"window".equals(via) && !"fallback".equals(via)) {
                throw new SettingsRejected("optInReminders.via", "optInReminders.via must be window or fallback");
            }
            Object after = r.containsKey("afterMinutes") ? r.get("afterMinutes") : reminders.afterMinutes();
            if (!(after instanceof Integer a) || a < 0 || a > 1380) {
                throw new SettingsRejected("optInReminders.afterMinutes", "optInReminders.afterMinutes must be from 0 to 1380 (inside the 24-hour window)");
            }
            reminders = new TenantSettings.Reminders(m, (String) via, a);
        }
        TenantSettings next = new TenantSettings(hookUrl, timeout,
                change.containsKey("displayName") ? text(change.get("displayName"), "displayName", 1, 100) : current.displayName(),
                change.containsKey("optInIntent") ? text(change.get("optInIntent"), "optInIntent", 1, 500) : current.optInIntent(),
                utility, marketing, stop, start, language, reminders, current.version() + 1, clock.instant(), who);
        if (hookSecret != null) {
            vault.put(hookSecret(tenant), SecretValue.of(hookSecret));
        }
        if (!store.save(tenant, next, current.version())) {
            throw new SettingsRejected("version", "the settings changed meanwhile; read them again and retry");
        }
        return next;
    }

    private URI hookUrl(Object value) {
        URI uri;
        try {
            uri = URI.create(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new SettingsRejected("botHook.url", "botHook.url is not a URL");
        }
        String refusal = uri.getHost() == null ? "the URL must name a host" : urls.refusal(uri);
        if (refusal != null) {
            throw new SettingsRejected("botHook.url", "botHook.url is refused: " + refusal);
        }
        return uri;
    }

    private static List<String> keywords(Object value, String field) {
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > 20) {
            throw new SettingsRejected(field, field + " must be a list of 1 to 20 words");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            String word = text(o, field, 1, 30).trim().toUpperCase(Locale.ROOT);
            out.add(word);
        }
        return out;
    }

    private static String text(Object value, String field, int min, int max) {
        if (!(value instanceof String s) || s.isBlank() || s.length() < min || s.length() > max) {
            throw new SettingsRejected(field, field + " must be text of " + min + " to " + max + " characters");
        }
        return s;
    }

    private static boolean bool(Object value, String field) {
        if (!(value instanceof Boolean b)) {
            throw new SettingsRejected(field, field + " must be true or false");
        }
        return b;
    }

    private static int integer(Object value, String field, int min, int max) {
        if (!(value instanceof Number n) || n.intValue() < min || n.intValue() > max) {
            throw new SettingsRejected(field, field + " must be a number from " + min + " to " + max);
        }
        return n.intValue();
    }
}
