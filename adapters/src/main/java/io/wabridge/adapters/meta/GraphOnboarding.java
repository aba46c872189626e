package io.wabridge.adapters.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.core.channel.MetaOnboarding;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The onboarding calls of Meta's Embedded Signup guide: code exchange and {@code debug_token} with the app's
 * credentials, the WABA and number calls with the customer's business token, and the credit-line share
 * with the partner's system-user token (Solution Partner mode only).
 */
public final class GraphOnboarding implements MetaOnboarding {

    private final GraphClient graph;
    private final String appId;
    private final Supplier<String> appSecret;
    private final Supplier<String> partnerToken;
    private final String creditLineId;

    /** {@code partnerToken} and {@code creditLineId} are needed in Solution Partner mode only (may be null otherwise). */
    public GraphOnboarding(GraphClient graph, String appId, Supplier<String> appSecret, Supplier<String> partnerToken, String creditLineId) {
        this.graph = graph;
        this.appId = appId;
        this.appSecret = appSecret;
        this.partnerToken = partnerToken;
        this.creditLineId = creditLineId;
    }

    @Override
    public String exchangeCode(String code) {
        // As Meta's samples: client_id, client_secret and code, no redirect_uri (the code came from the JS SDK).
        JsonNode answer = graph.get(null, "oauth/access_token", Map.of("client_id", appId, "client_secret", appSecret.get(), "code", code));
        String token = answer.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new GraphClient.GraphException(200, 0, 0, "the code exchange answered without an access_token", null);
        }
        return token;
    }

    @Override
    public TokenInfo inspect(String token) {
        JsonNode data = graph.get(appId + "|" + appSecret.get(), "debug_token", Map.of("input_token", token)).path("data");
        Set<String> scopes = new HashSet<>();
        data.path("scopes").forEach(s -> scopes.add(s.asText()));
        Set<String> managed = new HashSet<>();
        Set<String> messaging = new HashSet<>();
        for (JsonNode g : data.path("granular_scopes")) {
            Set<String> into = switch (g.path("scope").asText()) {
                case "whatsapp_business_management" -> managed;
                case "whatsapp_business_messaging" -> messaging;
                default -> null;
            };
            if (into != null) {
                g.path("target_ids").forEach(id -> into.add(id.asText()));
            }
        }
        long expires = data.path("expires_at").asLong(0);
        return new TokenInfo(data.path("is_valid").asBoolean(false), expires == 0 ? null : Instant.ofEpochSecond(expires), scopes, managed, messaging);
    }

    @Override
    public String refresh(String token) {
        // Meta's path for expiring system-user tokens: fb_exchange_token asking for another 60 days.
        JsonNode answer = graph.get(null, "oauth/access_token", Map.of("grant_type", "fb_exchange_token", "client_id", appId,
                "client_secret", appSecret.get(), "set_token_expires_in_60_days", "true", "fb_exchange_token", token));
        String fresh = answer.path("access_token").asText("");
        if (fresh.isEmpty()) {
            throw new GraphClient.GraphException(200, 0, 0, "the token exchange answered without an access_token", null);
        }
        return fresh;
    }

    @Override
    public NumberInfo number(String token, String phoneNumberId) {
        JsonNode n = graph.get(token, phoneNumberId, Map.of("fields", "display_phone_number,verified_name,quality_rating,"
                + "whatsapp_business_manager_messaging_limit,throughput,status,name_status,platform_type,is_on_biz_app"));
        return new NumberInfo(n.path("display_phone_number").asText(null), n.path("verified_name").asText(null),
                n.path("quality_rating").asText(null), n.path("whatsapp_business_manager_messaging_limit").asText(null),
                n.path("throughput").path("level").asText(null), n.path("status").asText(null), n.path("name_status").asText(null),
                n.path("is_on_biz_app").asBoolean(false));
    }

    @Override
    public Set<String> wabaNumbers(String token, String wabaId) {
        Set<String> ids = new HashSet<>();
        String after = null;
        // Cursor pages until Meta gives no next page; a bound keeps a misbehaving answer from looping.
        for (int page = 0; page < 50; page++) {
            Map<String, String> params = after == null ? Map.of("fields", "id", "limit", "100") : Map.of("fields", "id", "limit", "100", "after", after);
            JsonNode answer = graph.get(token, wabaId + "/phone_numbers", params);
            answer.path("data").forEach(n -> ids.add(n.path("id").asText()));
            after = answer.path("paging").path("cursors").path("after").asText(null);
            if (answer.path("paging").path("next").isMissingNode() || after == null) {
                break;
            }
        }
        return ids;
    }

    @Override
    public String wabaCurrency(String token, String wabaId) {
        return graph.get(token, wabaId, Map.of("fields", "currency")).path("currency").asText("USD");
    }

    @Override
    public void subscribe(String token, String wabaId) {
        graph.post(token, wabaId + "/subscribed_apps", Map.of());
    }

    @Override
    public void unsubscribe(String token, String wabaId) {
        graph.delete(token, wabaId + "/subscribed_apps", Map.of());
    }

    @Override
    public void register(String token, String phoneNumberId, String pin) {
        graph.post(token, phoneNumberId + "/register", Map.of("messaging_product", "whatsapp", "pin", pin));
    }

    @Override
    public void deregister(String token, String phoneNumberId) {
        graph.post(token, phoneNumberId + "/deregister", Map.of());
    }

    @Override
    public void shareCreditLine(String wabaId, String currency) {
        if (partnerToken == null || creditLineId == null || creditLineId.isBlank()) {
            throw new IllegalStateException("Solution Partner mode needs PARTNER_SYSTEM_USER_TOKEN_ARN and PARTNER_CREDIT_LINE_ID");
        }
        graph.postQuery(partnerToken.get(), creditLineId + "/whatsapp_credit_sharing_and_attach",
                Map.of("waba_currency", currency, "waba_id", wabaId));
    }
}
