package io.wabridge.core.inbound;

import io.wabridge.core.messaging.PhoneNumberId;

/**
 * What a template, account, quality or preference webhook changes in a tenant's records, read from the
 * fields Meta documents for it. Each field may be null when the webhook does not carry it.
 */
public sealed interface AccountChange permits AccountChange.TemplateChange, AccountChange.WabaChange,
        AccountChange.NumberChange, AccountChange.MarketingPreference {

    /**
     * message_template_status_update / _quality_update / template_category_update. {@code reasonText} is Meta's
     * explanation of a rejection ({@code rejection_info}); {@code pendingCategory} the category Meta will apply at
     * {@code pendingCategoryAt} (the "impending" recategorisation notice); {@code completedCategoryChange} a change
     * already made (which ends any pending one); {@code at} Meta's {@code entry.time} (older changes are ignored).
     */
    record TemplateChange(String wabaId, String templateId, String name, String language, String status, String quality,
                          String category, String reason, String reasonText, String pendingCategory,
                          java.time.Instant pendingCategoryAt, boolean completedCategoryChange, java.time.Instant at) implements AccountChange {
        /** A change without rejection text, recategorisation notice or time. */
        public TemplateChange(String wabaId, String templateId, String name, String language, String status, String quality,
                              String category, String reason) {
            this(wabaId, templateId, name, language, status, quality, category, reason, null, null, null, false, null);
        }
    }

    /**
     * account_update: partner added or removed, app uninstalled, bans and restrictions. {@code effect} is what
     * it does to every channel of the WABA ({@link WabaEffect#NONE} for events that change no channel);
     * {@code until} when a restriction ends (null: not known or not a restriction).
     */
    record WabaChange(String wabaId, String event, WabaEffect effect, java.time.Instant until) implements AccountChange {
        public boolean disconnects() {
            return effect == WabaEffect.DISCONNECT;
        }
    }

    /** What an account event does to the WABA's channels. */
    enum WabaEffect { NONE, DISCONNECT, DISABLE, RESTRICT, REINSTATE }

    /** phone_number_quality_update (quality, limit, throughput upgrade) and phone_number_name_update. */
    record NumberChange(String wabaId, String displayPhoneNumber, String event, String qualityRating, String messagingLimit,
                        String throughputLevel, String nameStatus) implements AccountChange {}

    /** user_preferences: the user stopped or resumed marketing messages from this business. */
    record MarketingPreference(PhoneNumberId phoneNumberId, Contact contact, boolean stopped, java.time.Instant at)
            implements AccountChange {}
}
