package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.sandbox.SandboxState.PhoneNumber;
import io.wabridge.sandbox.SandboxState.SignupCode;
import io.wabridge.sandbox.SandboxState.Template;
import io.wabridge.sandbox.SandboxState.Token;
import io.wabridge.sandbox.SandboxState.Waba;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Graph API endpoints WaBridge uses, answering with Meta's shapes and errors. */
final class GraphApi {

    private static final Set<String> CURRENCIES = Set.of("AUD", "EUR", "GBP", "IDR", "INR", "USD");
    private static final Map<String, Long> MEDIA_LIMITS = Map.of("image", 5L << 20, "audio", 16L << 20, "video", 16L << 20,
            "document", 100L << 20, "sticker", 500L << 10);

    private GraphApi() {}

    static Object route(MetaSandbox s, Request r) {
        List<String> seg = r.segments();
        if (seg.size() == 2 && seg.get(0).equals("oauth") && seg.get(1).equals("access_token") && r.method().equals("GET")) {
            return accessToken(s, r);
        }
        if (seg.size() == 1 && seg.get(0).equals("debug_token") && r.method().equals("GET")) {
            return debugToken(s, r);
        }
        if (seg.isEmpty()) {
            throw GraphError.unknownObject("/");
        }
        String id = seg.get(0);
        String edge = seg.size() > 1 ? seg.get(1) : "";
        if (seg.size() > 2) {
            throw GraphError.unknownObject(r.path());
        }
        return switch (r.method() + " " + edge) {
            case "GET " -> object(s, r, id);
            case "GET phone_numbers" -> phoneNumbers(s, r, id);
            case "GET subscribed_apps", "POST subscribed_apps", "DELETE subscribed_apps" -> subscribedApps(s, r, id);
            case "POST register" -> register(s, r, id);
            case "POST deregister" -> deregister(s, r, id);
            case "POST whatsapp_credit_sharing_and_attach" -> shareCredit(s, r, id);
            case "GET extendedcredits" -> extendedCredits(s, r, id);
            case "POST messages" -> {
                Token t = s.token(r);
                s.requireAccess(t, id);
                yield s.messaging().send(s.state().number(id).orElseThrow(() -> GraphError.unknownObject(id)), r.json());
            }
            case "POST media" -> uploadMedia(s, r, id);
            case "GET message_templates", "POST message_templates" -> templates(s, r, id);
            case "DELETE message_templates" -> deleteTemplates(s, r, id);
            default -> throw GraphError.unknownObject(r.path());
        };
    }

    private static Object accessToken(MetaSandbox s, Request r) {
        if (!s.appId().equals(r.param("client_id"))) {
            throw new GraphError(400, 101, null, "OAuthException", "Error validating application. Invalid application ID.", null);
        }
        if (!s.appSecretMatches(r.param("client_secret"))) {
            throw new GraphError(400, 1, null, "OAuthException", "Error validating client secret.", null);
        }
        if ("fb_exchange_token".equals(r.param("grant_type"))) {
            Token old = s.state().tokens.get(r.param("fb_exchange_token"));
            if (old == null || !old.valid || old.expiresAt != null && !s.state().now().isBefore(old.expiresAt)) {
                throw GraphError.invalidToken("Error validating access token: the token is invalid or has expired.", 463);
            }
            // A system-user token asked for with set_token_expires_in_60_days lives 60 days; a user token ~60 days (5183944 s).
            long lifetime = "true".equals(r.param("set_token_expires_in_60_days")) ? Duration.ofDays(60).toSeconds() : 5183944;
            Token fresh = s.state().issueToken(old.businessId, Duration.ofSeconds(lifetime));
            return Map.of("access_token", fresh.value, "token_type", "bearer", "expires_in", lifetime);
        }
        String value = r.param("code");
        if (value == null || value.isBlank()) {
            throw GraphError.invalidParameter("Missing authorization code", null);
        }
        SignupCode code;
        synchronized (s.state()) {
            code = s.state().codes.get(value);
            if (code == null) {
                throw new GraphError(400, 100, 36008, "OAuthException", "Invalid verification code format.", null);
            }
            if (code.used) {
                throw new GraphError(400, 100, 36009, "OAuthException", "This authorization code has been used.", null);
            }
            if (Duration.between(code.issuedAt, s.state().now()).compareTo(s.codeTtl()) > 0) {
                throw new GraphError(400, 100, 36007, "OAuthException", "This authorization code has expired.", null);
            }
            code.used = true;
        }
        Token token = s.state().issueToken(code.businessId, null);
        return Map.of("access_token", token.value, "token_type", "bearer");
    }

    private static Object debugToken(MetaSandbox s, Request r) {
        if (!s.isAppToken(r.bearer())) {
            throw GraphError.invalidParameter("You must provide an app access token, or a user access token that is an owner or developer of the app", null);
        }
        Token t = s.state().tokens.get(r.param("input_token"));
        Map<String, Object> data = new LinkedHashMap<>();
        if (t == null) {
            data.put("is_valid", false);
            data.put("error", Map.of("code", 190, "message", "Invalid OAuth access token."));
            return Map.of("data", data);
        }
        Instant now = s.state().now();
        boolean expired = t.expiresAt != null && !now.isBefore(t.expiresAt);
        List<String> targets = new ArrayList<>(s.state().assetsOf(t.businessId));
        targets.remove(t.businessId);
        List<String> wabaTargets = targets.stream().filter(s.state().wabas::containsKey).toList();
        data.put("app_id", s.appId());
        data.put("type", t.type);
        data.put("application", "WaBridge Sandbox App");
        data.put("data_access_expires_at", 0);
        data.put("expires_at", t.expiresAt == null ? 0 : t.expiresAt.getEpochSecond());
        data.put("is_valid", t.valid && !expired);
        // Meta answers only the fields that apply: a revoked token has an error and no scopes, no issued_at; an
        // expired one keeps its scopes beside the error (debug_token reference, "error" and "scopes" fields).
        if (t.valid) {
            data.put("issued_at", t.issuedAt.getEpochSecond());
            data.put("scopes", t.scopes);
            data.put("granular_scopes", List.of(
                    Map.of("scope", "whatsapp_business_management", "target_ids", wabaTargets),
                    Map.of("scope", "whatsapp_business_messaging", "target_ids", wabaTargets),
                    Map.of("scope", "business_management", "target_ids", List.of(t.businessId))));
        } else {
            data.put("error", Map.of("code", 190, "message", "Error validating access token: The user has not authorized application "
                    + s.appId() + ".", "subcode", 458));
        }
        if (t.valid && expired) {
            data.put("error", Map.of("code", 190, "message", MetaSandbox.expiredMessage(t.expiresAt, now), "subcode", 463));
        }
        data.put("user_id", "sysuser-" + t.businessId);
        return Map.of("data", data);
    }

    private static Object object(MetaSandbox s, Request r, String id) {
        Token t = s.token(r);
        SandboxState.Media media = s.state().media.get(id);
        s.requireAccess(t, media == null ? id : media.phoneNumberId);
        if (s.state().numbers.containsKey(id)) {
            PhoneNumber n = s.state().numbers.get(id);
            // Reading a number counts against its WABA's management budget, as the WABA's own reads do.
            s.countManagementCall(s.state().wabas.get(n.wabaId));
            return numberFields(n, r.param("fields"), s.webhookConfiguration(n), r.apiVersion());
        }
        if (s.state().wabas.containsKey(id)) {
            Waba w = s.state().wabas.get(id);
            s.countManagementCall(w);
            return Map.of("id", w.id, "name", w.name, "currency", w.currency, "timezone_id", "1",
                    "message_template_namespace", "sandbox_" + w.id);
        }
        if (s.state().media.containsKey(id)) {
            SandboxState.Media m = s.state().media.get(id);
            return Map.of("messaging_product", "whatsapp", "url", s.mediaUrl(m), "mime_type", m.mimeType, "sha256", m.sha256,
                    "file_size", m.bytes.length, "id", m.id);
        }
        return Map.of("id", id, "name", s.business(id).name);
    }

    static Map<String, Object> numberFields(PhoneNumber n, String fields) {
        return numberFields(n, fields, null, 25);
    }

    /** A number's fields as Meta reads them ({@code webhookConfiguration}: where its messages webhooks go, null to leave out). */
    static Map<String, Object> numberFields(PhoneNumber n, String fields, Map<String, Object> webhookConfiguration, int apiVersion) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("verified_name", n.verifiedName);
        all.put("code_verification_status", n.codeVerificationStatus);
        all.put("display_phone_number", displayFormat(n.displayNumber));
        all.put("quality_rating", n.qualityRating);
        all.put("platform_type", "CLOUD_API");
        all.put("throughput", Map.of("level", n.throughputLevel));
        all.put("name_status", n.nameStatus);
        all.put("status", n.status != null ? n.status : n.registered ? "CONNECTED" : "PENDING");
        all.put("account_mode", "LIVE");
        all.put("whatsapp_business_manager_messaging_limit", n.messagingLimit);
        if (apiVersion <= 23) {
            // The per-number legacy field, deprecated for the portfolio-level limit above: answered on v23.0 and older
            // (https://developers.facebook.com/docs/whatsapp/messaging-limits), left out from v24.0.
            all.put("messaging_limit_tier", n.messagingLimit);
        }
        all.put("is_official_business_account", false);
        if (webhookConfiguration != null) {
            all.put("webhook_configuration", webhookConfiguration);
        }
        all.put("id", n.id);
        if (fields == null || fields.isBlank()) {
            Map<String, Object> standard = new LinkedHashMap<>();
            for (String f : List.of("verified_name", "code_verification_status", "display_phone_number", "quality_rating",
                    "platform_type", "throughput", "webhook_configuration", "id")) {
                if (all.containsKey(f)) {
                    standard.put(f, all.get(f));
                }
            }
            return standard;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : fields.split(",")) {
            if (all.containsKey(f.trim())) {
                out.put(f.trim(), all.get(f.trim()));
            }
        }
        out.put("id", n.id);
        return out;
    }

    /*
     * Meta reads display_phone_number in international format ("+1 555-078-3881", libphonenumber's INTERNATIONAL), while
     * webhooks carry the bare digits ("15550783881"). The sandbox formats North American numbers exactly (+1 NXX-NXX-XXXX)
     * and others as +CC followed by groups of 3-4-4 digits of the national number, close to most countries' format.
     */
    private static final List<String> COUNTRY_CODES = List.of("1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43",
            "44", "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
            "82", "84", "86", "90", "91", "92", "93", "94", "95", "98");

    static String displayFormat(String digits) {
        if (digits == null || !digits.matches("[0-9]{8,15}")) {
            return digits;
        }
        if (digits.startsWith("1") && digits.length() == 11) {
            return "+1 " + digits.substring(1, 4) + "-" + digits.substring(4, 7) + "-" + digits.substring(7);
        }
        String cc = COUNTRY_CODES.stream().filter(digits::startsWith).findFirst().orElse(digits.substring(0, 3));
        String national = digits.substring(cc.length());
        StringBuilder out = new StringBuilder("+" + cc + " ");
        int[] groups = national.length() <= 7 ? new int[] {3, 4} : new int[] {3, 4, 4};
        int at = 0;
        for (int i = 0; i < groups.length && at < national.length(); i++) {
            int end = i == groups.length - 1 ? national.length() : Math.min(national.length(), at + groups[i]);
            out.append(i == 0 ? "" : "-").append(national, at, end);
            at = end;
        }
        return out.toString();
    }

    private static Waba waba(MetaSandbox s, Request r, String id) {
        Token t = s.token(r);
        s.requireAccess(t, id);
        Waba w = s.state().waba(id).orElseThrow(() -> GraphError.unknownObject(id));
        s.countManagementCall(w);
        return w;
    }

    private static Object phoneNumbers(MetaSandbox s, Request r, String id) {
        Waba w = waba(s, r, id);
        List<Map<String, Object>> data = new ArrayList<>();
        for (String n : s.numbersOf(w.id)) {
            data.add(numberFields(s.state().numbers.get(n), r.param("fields"), s.webhookConfiguration(s.state().numbers.get(n)), r.apiVersion()));
        }
        return Map.of("data", data, "paging", Map.of("cursors", Map.of("before", "QVFI", "after", "QVFI")));
    }

    private static Object subscribedApps(MetaSandbox s, Request r, String id) {
        Waba w = waba(s, r, id);
        switch (r.method()) {
            case "GET" -> {
                List<Map<String, Object>> data = new ArrayList<>();
                w.subscribedApps.forEach((app, override) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("whatsapp_business_api_data", Map.of("id", app, "name", "WaBridge Sandbox App",
                            "link", "https://www.facebook.com/games/?app_id=" + app));
                    if (override != null) {
                        item.put("override_callback_uri", override);
                    }
                    data.add(item);
                });
                return Map.of("data", data);
            }
            case "DELETE" -> {
                w.subscribedApps.remove(s.appId());
                return Map.of("success", true);
            }
            default -> {
                JsonNode body = r.jsonOrForm();
                String override = body.path("override_callback_uri").asText(null);
                if (override != null) {
                    if (override.length() > 200) {
                        throw GraphError.invalidParameter("Param override_callback_uri must be at most 200 characters long.", null);
                    }
                    if (!s.webhooks().verify(override, body.path("verify_token").asText(""))) {
                        throw new GraphError(400, 2200, null, "OAuthException",
                                "(#2200) Callback verification failed with the following errors: HTTP Status Code = 403", null);
                    }
                }
                w.subscribedApps.put(s.appId(), override);
                return Map.of("success", true);
            }
        }
    }

    private static Object register(MetaSandbox s, Request r, String id) {
        Token t = s.token(r);
        s.requireAccess(t, id);
        PhoneNumber n = s.state().number(id).orElseThrow(() -> GraphError.unknownObject(id));
        JsonNode body = r.jsonOrForm();
        if (!"whatsapp".equals(body.path("messaging_product").asText())) {
            throw GraphError.invalidParameter("The parameter messaging_product is required.", null);
        }
        String pin = body.path("pin").asText("");
        Instant now = s.state().now();
        synchronized (n) {
            if (n.registerBlockedUntil != null && now.isBefore(n.registerBlockedUntil)) {
                throw GraphError.whatsapp(400, 133016, "Account register deregister rate limit exceeded",
                        "Registration is blocked for this number until " + n.registerBlockedUntil);
            }
            while (!n.registerCalls.isEmpty() && n.registerCalls.peekFirst().isBefore(now.minus(Duration.ofHours(72)))) {
                n.registerCalls.pollFirst();
            }
            n.registerCalls.addLast(now);
            if (n.registerCalls.size() > 10) {
                n.registerBlockedUntil = now.plus(Duration.ofHours(72));
                throw GraphError.whatsapp(400, 133016, "Account register deregister rate limit exceeded",
                        "Too many register/deregister requests for this number in 72 hours.");
            }
            if (!pin.matches("[0-9]{6}")) {
                throw GraphError.invalidParameter("Param pin must be 6 characters long.", "pin must be 6 digits");
            }
            if (n.pin != null && !n.pin.equals(pin)) {
                throw GraphError.whatsapp(400, 133005, "Two step verification PIN Mismatch",
                        "The PIN does not match the two-step verification PIN of this number.");
            }
            n.pin = pin;
            n.registered = true;
        }
        return Map.of("success", true);
    }

    /** Deregistration counts against the same 10-per-72-hours window as registration. */
    private static Object deregister(MetaSandbox s, Request r, String id) {
        Token t = s.token(r);
        s.requireAccess(t, id);
        PhoneNumber n = s.state().number(id).orElseThrow(() -> GraphError.unknownObject(id));
        Instant now = s.state().now();
        synchronized (n) {
            while (!n.registerCalls.isEmpty() && n.registerCalls.peekFirst().isBefore(now.minus(Duration.ofHours(72)))) {
                n.registerCalls.pollFirst();
            }
            n.registerCalls.addLast(now);
            if (n.registerCalls.size() > 10) {
                throw GraphError.whatsapp(400, 133016, "Account register deregister rate limit exceeded",
                        "Too many register/deregister requests for this number in 72 hours.");
            }
            n.registered = false;
        }
        return Map.of("success", true);
    }

    private static Object shareCredit(MetaSandbox s, Request r, String creditLineId) {
        Token t = s.token(r);
        s.requireAccess(t, creditLineId);
        String currency = r.param("waba_currency");
        String wabaId = r.param("waba_id");
        if (currency == null || !CURRENCIES.contains(currency)) {
            throw GraphError.invalidParameter("Param waba_currency must be one of " + CURRENCIES, null);
        }
        Waba w = s.state().waba(wabaId == null ? "" : wabaId).orElseThrow(() -> GraphError.unknownObject(String.valueOf(wabaId)));
        w.currency = currency;
        w.creditAllocation = s.state().nextId();
        return Map.of("allocation_config_id", w.creditAllocation, "waba_id", w.id);
    }

    private static Object extendedCredits(MetaSandbox s, Request r, String businessId) {
        Token t = s.token(r);
        s.requireAccess(t, businessId);
        List<Map<String, Object>> data = new ArrayList<>();
        s.business(businessId).creditLines.forEach(c -> data.add(Map.of("id", c, "legal_entity_name", s.business(businessId).name)));
        return Map.of("data", data);
    }

    private static Object uploadMedia(MetaSandbox s, Request r, String numberId) {
        Token t = s.token(r);
        s.requireAccess(t, numberId);
        Multipart form = Multipart.parse(r.contentType(), r.body());
        if (!"whatsapp".equals(form.field("messaging_product"))) {
            throw GraphError.invalidParameter("The parameter messaging_product is required.", null);
        }
        Multipart.Part file = form.file("file");
        if (file == null) {
            throw GraphError.invalidParameter("The parameter file is required.", null);
        }
        String mime = form.field("type") != null ? form.field("type") : file.contentType();
        String kind = mime == null ? "" : mime.startsWith("image/webp") ? "sticker" : mime.startsWith("image/") ? "image"
                : mime.startsWith("audio/") ? "audio" : mime.startsWith("video/") ? "video" : "document";
        if (file.bytes().length > MEDIA_LIMITS.get(kind)) {
            throw GraphError.whatsapp(400, 131053, "Media upload error", "file is larger than the " + kind + " limit");
        }
        SandboxState.Media m = new SandboxState.Media(s.state().nextId(), numberId, mime, file.bytes(), MetaSandbox.sha256(file.bytes()));
        s.state().media.put(m.id, m);
        return Map.of("id", m.id);
    }

    private static Object templates(MetaSandbox s, Request r, String id) {
        Waba w = waba(s, r, id);
        if (r.method().equals("GET")) {
            List<Map<String, Object>> data = new ArrayList<>();
            for (Template tpl : w.templates.values()) {
                data.add(Map.of("id", tpl.id, "name", tpl.name, "language", tpl.language, "status", tpl.status,
                        "category", tpl.category, "components", tpl.components, "quality_score", Map.of("score", tpl.quality)));
            }
            return Map.of("data", data, "paging", Map.of("cursors", Map.of("before", "QVFI", "after", "QVFI")));
        }
        JsonNode body = r.json();
        String name = body.path("name").asText("");
        String language = body.path("language").asText("");
        String category = body.path("category").asText("");
        if (!name.matches("[a-z0-9_]{1,512}")) {
            throw GraphError.invalidParameter("Invalid parameter", "name must be lowercase letters, digits and underscores");
        }
        if (!Set.of("MARKETING", "UTILITY", "AUTHENTICATION").contains(category)) {
            throw GraphError.invalidParameter("Invalid parameter", "category must be MARKETING, UTILITY or AUTHENTICATION");
        }
        String bodyText = null;
        for (JsonNode c : body.path("components")) {
            if ("BODY".equals(c.path("type").asText())) {
                bodyText = c.path("text").asText(null);
            }
        }
        if (bodyText == null || bodyText.isBlank() || language.isBlank()) {
            throw GraphError.invalidParameter("Invalid parameter", "a BODY component with text and a language are required");
        }
        String text = bodyText;
        if (w.templates.values().stream().anyMatch(t -> t.name.equals(name) && t.language.equals(language))) {
            throw new GraphError(400, 100, 2388024, "OAuthException", "Message template already exists", "Content in this language already exists");
        }
        if (w.templates.size() >= 250) {
            throw new GraphError(400, 100, 2388019, "OAuthException", "Message template limit exceeded", "up to 250 message templates");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> components = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(body.path("components"), List.class);
        Template t = new Template(s.state().nextId(), name, language, category, Messaging.placeholders(text), components);
        t.status = "PENDING";
        w.templates.put(t.id, t);
        // Meta reviews new templates; the sandbox approves them after a short while and says so by webhook.
        s.messaging().later(() -> s.setTemplateStatus(w.id, name, language, "APPROVED", null), 3 * s.messaging().statusStepMillis);
        return Map.of("id", t.id, "status", "PENDING", "category", category);
    }

    /**
     * {@code DELETE /{waba-id}/message_templates?name=} removes every language of the name; with {@code hsm_id} only
     * that template (Meta requires the name with it). Unknown: Meta's (#100) with subcode 2593002.
     */
    private static Object deleteTemplates(MetaSandbox s, Request r, String id) {
        Waba w = waba(s, r, id);
        String name = r.param("name");
        String hsmId = r.param("hsm_id");
        if (name == null || name.isBlank()) {
            throw GraphError.invalidParameter("Invalid parameter", "name is required to delete a message template");
        }
        synchronized (s.state()) {
            if (!w.templates.values().removeIf(t -> t.name.equals(name) && (hsmId == null || t.id.equals(hsmId)))) {
                throw new GraphError(400, 100, 2593002, "OAuthException", "(#100) Invalid parameter",
                        "The message template " + name + " wasn't found for this account.");
            }
        }
        return Map.of("success", true);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
