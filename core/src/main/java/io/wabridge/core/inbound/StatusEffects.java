package io.wabridge.core.inbound;

import io.wabridge.core.inbound.InboundUpdate.StatusChanged;
import io.wabridge.core.messaging.CallbackData;
import io.wabridge.core.notify.Notification;
import io.wabridge.core.tenant.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a status webhook changes besides the message's own status record, decided from the status alone (and,
 * for notification counters, from the state it moved from). The store writes what this decides.
 *
 * @param confirmsSend the WaBridge send the status names (Meta echoes our id in its callback data), so the
 *                     sender can settle an attempt whose answer was lost; null for a message sent elsewhere
 * @param pricing      Meta's pricing, counted once per message in the tenant's usage; null when the status
 *                     carries none
 * @param notification whether the send is a notification's, whose delivered and read count in its day
 */
public record StatusEffects(String confirmsSend, Pricing pricing, boolean notification) {

    /**
     * Meta prices a message once (pricing rides on its sent status and on one of delivered/read): the first
     * status that carries it is recorded and counted; later ones count nothing.
     *
     * @param usageCounters the tenant's daily usage counters it adds one to
     */
    public record Pricing(String category, String type, List<String> usageCounters) {}

    public static StatusEffects of(StatusChanged st) {
        String sendId = CallbackData.parse(st.callbackData()).messageId();
        Pricing pricing = null;
        if (st.pricingCategory() != null) {
            String type = st.pricingType() == null ? Usage.UNKNOWN_TYPE : st.pricingType();
            pricing = new Pricing(st.pricingCategory(), type, List.of(Usage.priced(st.pricingCategory(), type), Usage.PRICED));
        }
        return new StatusEffects(sendId, pricing, sendId != null && sendId.startsWith(Notification.SEND_ID_PREFIX));
    }

    /**
     * The notification day counters a status adds to once it moved the send from {@code rankBefore} (0: no
     * status yet) to {@code now}: delivered when it first reaches delivered or beyond (a read that overtook
     * its delivered counts both), read when it first reaches read. Nothing for other sends or for a failure.
     */
    public List<String> notificationCounters(int rankBefore, MessageStatus now) {
        List<String> counters = new ArrayList<>();
        if (!notification || now == MessageStatus.FAILED) {
            return counters;
        }
        if (rankBefore < MessageStatus.DELIVERED.rank() && now.rank() >= MessageStatus.DELIVERED.rank()) {
            counters.add("delivered");
        }
        if (rankBefore < MessageStatus.READ.rank() && now.rank() >= MessageStatus.READ.rank()) {
            counters.add("read");
        }
        return counters;
    }
}
