package io.wabridge.core.inbound;

import io.wabridge.core.messaging.PhoneNumberId;

/**
 * What a template, account, quality or preference webhook changes in a tenant's records, read from the
 * fields Meta documents for it. Each field may be null when the webhook does not carry it.
 */
public sealed interface AccountChange permits AccountChange.TemplateChange, AccountChange.WabaChange,
        AccountChange.NumberChange, AccountChange.MarketingPreference {

    /** message_template_status_update / _quality_update / template_category_update. */
    record TemplateChange(String wabaId, String templateId, String name, String language, String status, String quality,
                          String category, String reason) implements AccountChange {}

    /** account_update: partner added or removed, app uninstalled, bans and restrictions. */
    record WabaChange(String wabaId, String event, boolean disconnects) implements AccountChange {}

    /** phone_number_quality_update (quality, limit, throughput upgrade) and phone_number_name_update. */
    record NumberChange(String wabaId, String displayPhoneNumber, String event, String qualityRating, String messagingLimit,
                        String throughputLevel, String nameStatus) implements AccountChange {}

    /** user_preferences: the user stopped or resumed marketing messages from this business. */
    record MarketingPreference(PhoneNumberId phoneNumberId, Contact contact, boolean stopped, java.time.Instant at)
            implements AccountChange {}
}
