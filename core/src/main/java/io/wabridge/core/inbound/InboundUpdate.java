package io.wabridge.core.inbound;

import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.core.messaging.Wamid;
import java.time.Instant;

/** One update Meta delivered, read from its webhook. */
public sealed interface InboundUpdate permits InboundUpdate.MessageReceived, InboundUpdate.StatusChanged, InboundUpdate.WabaEvent {

    /**
     * A user's message of any type. {@code type} is Meta's type, or {@code unsupported} for a type this
     * code does not know; {@code contentJson} is Meta's message object as received (never logged).
     * {@code said} is what keywords are matched against: a text's body, a button's payload and text, an
     * interactive reply's id and title (empty for other types). {@code changedTo} is the person's new ids on a
     * {@code system} message of type {@code user_changed_number} (null otherwise).
     */
    record MessageReceived(PhoneNumberId phoneNumberId, Contact contact, Wamid wamid, Instant sentAt, String type,
                           String contextWamid, String contentJson, MediaRef media, java.util.List<String> said, Contact changedTo)
            implements InboundUpdate {
        public MessageReceived {
            said = said == null ? java.util.List.of() : said.stream().filter(java.util.Objects::nonNull).toList();
        }

        /** A message that changes no id. */
        public MessageReceived(PhoneNumberId phoneNumberId, Contact contact, Wamid wamid, Instant sentAt, String type,
                               String contextWamid, String contentJson, MediaRef media, java.util.List<String> said) {
            this(phoneNumberId, contact, wamid, sentAt, type, contextWamid, contentJson, media, said, null);
        }

        /** A message without keywords. */
        public MessageReceived(PhoneNumberId phoneNumberId, Contact contact, Wamid wamid, Instant sentAt, String type,
                               String contextWamid, String contentJson, MediaRef media) {
            this(phoneNumberId, contact, wamid, sentAt, type, contextWamid, contentJson, media, null);
        }

        /** A message without media or keywords. */
        public MessageReceived(PhoneNumberId phoneNumberId, Contact contact, Wamid wamid, Instant sentAt, String type,
                               String contextWamid, String contentJson) {
            this(phoneNumberId, contact, wamid, sentAt, type, contextWamid, contentJson, null, null);
        }

        @Override
        public String toString() {
            return "MessageReceived[" + phoneNumberId + ", " + wamid + ", " + type + "]";
        }
    }

    /** A status of a message the business sent; {@code errorsJson} and pricing as Meta sent them (may be null). */
    record StatusChanged(PhoneNumberId phoneNumberId, Wamid wamid, MessageStatus status, Instant at, String recipient,
                         Integer errorCode, String errorsJson, String pricingCategory, String pricingType, String callbackData)
            implements InboundUpdate {
        /** A status without {@code biz_opaque_callback_data}. */
        public StatusChanged(PhoneNumberId phoneNumberId, Wamid wamid, MessageStatus status, Instant at, String recipient,
                             Integer errorCode, String errorsJson, String pricingCategory, String pricingType) {
            this(phoneNumberId, wamid, status, at, recipient, errorCode, errorsJson, pricingCategory, pricingType, null);
        }

        /** Without the recipient: logs never carry a user's phone number. */
        @Override
        public String toString() {
            return "StatusChanged[" + phoneNumberId + ", " + wamid + ", " + status + (errorCode == null ? "" : ", error " + errorCode) + "]";
        }
    }

    /**
     * Any other change: template, account, quality and preference events (and statuses of unknown kinds).
     * Routed by phone number when it names one, else by WABA. {@code change} is what it changes in the
     * tenant's records, or null for fields that change none.
     */
    record WabaEvent(String wabaId, PhoneNumberId phoneNumberId, String field, String eventKey, String valueJson,
                     AccountChange change) implements InboundUpdate {
        @Override
        public String toString() {
            return "WabaEvent[" + field + ", waba " + wabaId + "]";
        }
    }
}
