package io.wabridge.core.messaging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What travels in Meta's {@code biz_opaque_callback_data} (at most 512 characters), which Meta echoes on every status
 * of the message: WaBridge's send id (so a status settles a send whose answer was lost), then, after a {@code |}, the
 * SaaS's own value given on the send. A status of a message sent outside WaBridge carries Meta's value as it came.
 *
 * @param messageId    WaBridge's send id, or null when the message was not sent through WaBridge
 * @param tenantValue  the SaaS's value (null when none)
 */
public record CallbackData(String messageId, String tenantValue) {

    /** The longest value a SaaS may give: Meta's 512 less WaBridge's id and the separator. */
    public static final int MAX_TENANT_VALUE = 400;

    private static final Pattern OURS = Pattern.compile("(msg_[a-z_]{0,16}[0-9a-f]{32})(?:\\|(.*))?", Pattern.DOTALL);

    /** Meta's field for a WaBridge send. */
    public static String encode(String messageId, String tenantValue) {
        return tenantValue == null ? messageId : messageId + "|" + tenantValue;
    }

    /** Reads Meta's echoed field (null when the status carried none). */
    public static CallbackData parse(String raw) {
        if (raw == null) {
            return new CallbackData(null, null);
        }
        Matcher m = OURS.matcher(raw);
        return m.matches() ? new CallbackData(m.group(1), m.group(2)) : new CallbackData(null, raw);
    }
}
