package io.wabridge.core.channel;

import java.time.Instant;
import java.util.Set;

/**
 * The Graph API calls onboarding (and the channel health check) makes, each with the customer's business
 * token except the code exchange, token inspection and refresh (app credentials) and the credit line (the
 * partner's system-user token). Failures are {@link io.wabridge.core.meta.MetaApiException}s.
 */
public interface MetaOnboarding {

    /** What {@code debug_token} says; {@code expiresAt} null when the token never expires. */
    record TokenInfo(boolean valid, Instant expiresAt, Set<String> scopes, Set<String> managedWabas, Set<String> messagingWabas) {
        /** Whether the token's granular scopes name the WABA as a target (management or messaging). */
        public boolean grants(String wabaId) {
            return managedWabas.contains(wabaId) || messagingWabas.contains(wabaId);
        }
    }

    /** What Meta says of a number; {@code status} is its registration status (e.g. CONNECTED), {@code nameStatus} its display name's review. */
    record NumberInfo(String displayPhoneNumber, String verifiedName, String qualityRating, String messagingLimit, String throughput,
                      String status, String nameStatus, boolean onBusinessApp) {}

    String exchangeCode(String code);

    TokenInfo inspect(String token);

    /**
     * A new business token for {@code token} (which must still be valid), set to expire in 60 days; the old
     * one keeps working until its own expiry.
     */
    String refresh(String token);

    NumberInfo number(String token, String phoneNumberId);

    /** The ids of the WABA's phone numbers, as Meta lists them to {@code token} ({@code GET /{waba-id}/phone_numbers}, every page). */
    Set<String> wabaNumbers(String token, String wabaId);

    String wabaCurrency(String token, String wabaId);

    void subscribe(String token, String wabaId);

    void unsubscribe(String token, String wabaId);

    void register(String token, String phoneNumberId, String pin);

    void deregister(String token, String phoneNumberId);

    /** Solution Partner mode: shares the partner's credit line with the customer's WABA. */
    void shareCreditLine(String wabaId, String currency);
}
