package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wabridge.sandbox.SandboxState.Business;
import io.wabridge.sandbox.SandboxState.PhoneNumber;
import io.wabridge.sandbox.SandboxState.Template;
import io.wabridge.sandbox.SandboxState.Token;
import io.wabridge.sandbox.SandboxState.User;
import io.wabridge.sandbox.SandboxState.Waba;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta's side of WhatsApp, on loopback: a Graph API subset under any {@code /vNN.0/} prefix with Meta's
 * JSON shapes, rules and error codes; signed webhooks to the app's callback; simulated users; fault
 * injection; and a record of every call made to it (secrets masked). Tests script it through its Java
 * API; people through {@code /_sandbox/...}.
 */
public final class MetaSandbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetaSandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONED = Pattern.compile("^/v[0-9]+\\.0(/.*)?$");
    private static final Set<String> MASKED = Set.of("access_token", "client_secret", "input_token", "fb_exchange_token", "code", "pin");
    private static final Duration CODE_TTL = Duration.ofSeconds(30);

    /** One call WaBridge made, with secrets masked; {@code code} is the Graph error code it answered (0 when none). */
    public record Call(String at, String method, String path, Map<String, String> params, String body, int status, int code) {}

    private final String appId;
    private final String appSecret;
    private final SandboxState state;
    private final HttpServer server;
    private final WebhookDispatcher webhooks;
    private final Messaging messaging;
    private final Faults faults = new Faults();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile String callbackUrl;
    private volatile int managementLimitPerHour = -1;
    private final Token partnerToken;

    private MetaSandbox(String appId, String appSecret, Clock clock, HttpServer server) {
        this.appId = appId;
        this.appSecret = appSecret;
        this.state = new SandboxState(clock);
        this.server = server;
        this.webhooks = new WebhookDispatcher(appSecret);
        this.messaging = new Messaging(state, this);
        this.partnerToken = state.createPartner("WaBridge Partner");
    }

    /** Starts the sandbox on a loopback port ({@code 0} picks a free one). */
    public static MetaSandbox start(String appId, String appSecret, int port, Clock clock) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        MetaSandbox sandbox = new MetaSandbox(appId, appSecret, clock, http);
        http.createContext("/", sandbox::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return sandbox;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The Graph API base for a version, e.g. {@code http://127.0.0.1:port/v25.0}. */
    public String graphUrl(String version) {
        return baseUrl() + "/" + version;
    }

    public SandboxState state() {
        return state;
    }

    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    /** Whether Meta has nothing left to do by itself: no status still to come, no webhook still to deliver or retry. */
    public boolean idle() {
        return messaging.idle() && webhooks.idle();
    }

    public Faults faults() {
        return faults;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public String appId() {
        return appId;
    }

    /** The app's webhook callback; Meta verifies it with the GET handshake first. */
    public boolean configureCallback(String url, String verifyToken) {
        boolean ok = webhooks.verify(url, verifyToken);
        if (ok) {
            callbackUrl = url;
        }
        return ok;
    }

    /** The Solution Partner's business id (owner of the credit line). */
    public String partnerBusinessId() {
        return partnerToken.businessId;
    }

    /** The partner's credit line id, as {@code GET /{business-id}/extendedcredits} lists it. */
    public String partnerCreditLineId() {
        return state.businesses.get(partnerToken.businessId).creditLines.get(0);
    }

    /** The partner's system-user token (never expires). */
    public String partnerSystemUserToken() {
        return partnerToken.value;
    }

    /** Sets the management rate limit per WABA and hour (default: Meta's 200, 5,000 once a number is registered). */
    public void managementLimitPerHour(int limit) {
        this.managementLimitPerHour = limit;
    }

    /** Milliseconds between a send and its sent/delivered/read statuses (compressed time). */
    public void statusStepMillis(long millis) {
        messaging.statusStepMillis = millis;
    }

    // ----- scripting API -------------------------------------------------------------------------------------------

    /** A new customer business with a WABA and a number, ready for Embedded Signup. */
    public SandboxState.Customer createCustomer(String name, String displayNumber) {
        return state.createCustomer(name, displayNumber);
    }

    /** Another number on an existing WABA (a business with several numbers). Returns its phone number id. */
    public String addNumber(String wabaId, String displayNumber) {
        Waba waba = state.waba(wabaId).orElseThrow();
        PhoneNumber n = new PhoneNumber(state.nextId(), waba.id, displayNumber, waba.name);
        state.numbers.put(n.id, n);
        return n.id;
    }

    /** The management calls counted against a WABA in the last hour (what Meta's 200 / 5,000 per hour limit sees). */
    public int managementCallsLastHour(String wabaId) {
        Waba waba = state.waba(wabaId).orElseThrow();
        Instant since = state.now().minus(Duration.ofHours(1));
        synchronized (waba.managementCalls) {
            return (int) waba.managementCalls.stream().filter(t -> t.isAfter(since)).count();
        }
    }

    /** What the Embedded Signup popup would hand the front end: a 30-second single-use code. */
    public String signupCode(String businessId) {
        return state.issueSignupCode(businessId);
    }

    /** Subscribes this app to a WABA directly (what the signup flow does through the API). */
    public void subscribe(String wabaId) {
        state.waba(wabaId).orElseThrow().subscribedApps.put(appId, null);
    }

    /** Marks a number registered (what the signup flow does through the API). */
    public void register(String phoneNumberId) {
        state.number(phoneNumberId).orElseThrow().registered = true;
    }

    /** A business token for a customer, as the code exchange would give (lifetime null = never expires). */
    public String businessToken(String businessId, Duration lifetime) {
        return state.issueToken(businessId, lifetime).value;
    }

    public User user(String waId) {
        return state.user(waId);
    }

    /** A simulated user sends a text. Returns its wamid. */
    public String userSendsText(String waId, String phoneNumberId, String text) {
        return userSends(waId, phoneNumberId, "text", Map.of("body", text), null);
    }

    /** A simulated user sends any message type, with the type's object as Meta shapes it. */
    public String userSends(String waId, String phoneNumberId, String type, Map<String, Object> content, String replyTo) {
        return messaging.receive(state.user(waId), state.number(phoneNumberId).orElseThrow(), type, content, replyTo);
    }

    /**
     * A simulated user sends media (image, audio, video, document, sticker): the bytes become media the
     * business can fetch with {@code GET /{media-id}} and its token, as Meta's, and the webhook carries
     * the id, MIME type and SHA-256.
     */
    public String userSendsMedia(String waId, String phoneNumberId, String type, String mimeType, byte[] bytes, String caption) {
        SandboxState.Media m = new SandboxState.Media(state.nextId(), phoneNumberId, mimeType, bytes, sha256(bytes));
        state.media.put(m.id, m);
        Map<String, Object> content = new java.util.LinkedHashMap<>(Map.of("id", m.id, "mime_type", mimeType, "sha256", m.sha256));
        if (caption != null) {
            content.put("caption", caption);
        }
        return userSends(waId, phoneNumberId, type, content, null);
    }

    /** Adds an approved (or other status) template to a WABA. */
    public void addTemplate(String wabaId, String name, String language, String category, String bodyText, String status) {
        Waba waba = state.waba(wabaId).orElseThrow();
        Template t = new Template(state.nextId(), name, language, category.toUpperCase(), Messaging.placeholders(bodyText),
                List.of(Map.of("type", "BODY", "text", bodyText)));
        t.status = status;
        waba.templates.put(t.id, t);
    }

    /** The customer removed the app: its tokens stop working and Meta sends PARTNER_APP_UNINSTALLED. */
    public void revokeApp(String businessId) {
        state.tokens.values().stream().filter(t -> t.businessId.equals(businessId)).forEach(t -> t.valid = false);
        state.wabas.values().stream().filter(w -> w.businessId.equals(businessId)).forEach(w -> {
            w.subscribedApps.remove(appId);
            deliverToApp(w.id, "account_update", Map.of("event", "PARTNER_APP_UNINSTALLED",
                    "waba_info", Map.of("waba_id", w.id, "owner_business_id", businessId)));
        });
    }

    /**
     * Every token of the business now expires {@code expiresIn} from now ({@code null}: never), as
     * {@code debug_token} and the bearer check then report.
     */
    public void setTokenExpiry(String businessId, Duration expiresIn) {
        Instant at = expiresIn == null ? null : state.now().plus(expiresIn);
        state.tokensOf(businessId).forEach(t -> t.expiresAt = at);
    }

    /**
     * Every token of the business stops working ({@code debug_token} says {@code is_valid: false}, Graph calls
     * answer 190), with no webhook: unlike {@link #revokeApp}, WaBridge learns it only by asking.
     */
    public void revokeTokens(String businessId) {
        state.tokensOf(businessId).forEach(t -> t.valid = false);
    }

    /**
     * Changes a number's fields as Meta would, without a webhook (as when one is missed): any of
     * {@code quality_rating}, {@code messaging_limit} ({@code whatsapp_business_manager_messaging_limit}),
     * {@code throughput} (level), {@code name_status} and {@code status}.
     */
    public void updateNumber(String phoneNumberId, Map<String, String> fields) {
        PhoneNumber n = state.number(phoneNumberId).orElseThrow();
        fields.forEach((field, value) -> {
            switch (field) {
                case "quality_rating" -> n.qualityRating = value;
                case "messaging_limit", "whatsapp_business_manager_messaging_limit" -> n.messagingLimit = value;
                case "throughput" -> n.throughputLevel = value;
                case "name_status" -> n.nameStatus = value;
                case "status" -> n.status = value;
                default -> throw new IllegalArgumentException("unknown number field " + field);
            }
        });
    }

    /** A number's quality changes; Meta sends phone_number_quality_update. */
    public void setQuality(String phoneNumberId, String quality) {
        PhoneNumber n = state.number(phoneNumberId).orElseThrow();
        String previous = n.qualityRating;
        n.qualityRating = quality;
        deliver(n.wabaId, "phone_number_quality_update", Map.of("display_phone_number", n.displayNumber,
                "event", quality.equals("RED") || previous.equals("GREEN") && quality.equals("YELLOW") ? "DOWNGRADE" : "UPGRADE",
                "current_limit", n.messagingLimit, "old_limit", n.messagingLimit));
    }

    /** Raises the number to 1,000 messages per second; Meta sends THROUGHPUT_UPGRADE. */
    public void upgradeThroughput(String phoneNumberId) {
        PhoneNumber n = state.number(phoneNumberId).orElseThrow();
        n.throughputLevel = "HIGH";
        deliver(n.wabaId, "phone_number_quality_update", Map.of("display_phone_number", n.displayNumber,
                "event", "THROUGHPUT_UPGRADE", "current_limit", n.messagingLimit));
    }

    /** Meta re-rates a template's quality; sends message_template_quality_update. */
    public void setTemplateQuality(String wabaId, String name, String language, String quality) {
        Template t = template(wabaId, name, language);
        String previous = t.quality;
        t.quality = quality;
        deliverToApp(wabaId, "message_template_quality_update", Map.of("previous_quality_score", previous,
                "new_quality_score", quality, "message_template_id", Long.parseLong(t.id),
                "message_template_name", t.name, "message_template_language", t.language));
    }

    /** Meta recategorises a template; sends template_category_update. */
    public void setTemplateCategory(String wabaId, String name, String language, String category) {
        Template t = template(wabaId, name, language);
        String previous = t.category;
        t.category = category.toUpperCase();
        deliverToApp(wabaId, "template_category_update", Map.of("message_template_id", Long.parseLong(t.id),
                "message_template_name", t.name, "message_template_language", t.language,
                "previous_category", previous, "new_category", t.category));
    }

    private Template template(String wabaId, String name, String language) {
        return state.waba(wabaId).orElseThrow().templates.values().stream()
                .filter(x -> x.name.equals(name) && x.language.equals(language)).findFirst().orElseThrow();
    }

    /** Sends a template status change (APPROVED, REJECTED, PAUSED, DISABLED...) as Meta does. */
    public void setTemplateStatus(String wabaId, String name, String language, String status, String reason) {
        Waba waba = state.waba(wabaId).orElseThrow();
        Template t = waba.templates.values().stream().filter(x -> x.name.equals(name) && x.language.equals(language)).findFirst().orElseThrow();
        t.status = status;
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("event", status);
        value.put("message_template_id", Long.parseLong(t.id));
        value.put("message_template_name", t.name);
        value.put("message_template_language", t.language);
        value.put("reason", reason == null ? "NONE" : reason);
        value.put("message_template_category", t.category);   // Meta includes the category (webhook reference)
        deliverToApp(wabaId, "message_template_status_update", value);
    }

    /**
     * The user changes their phone number: Meta sends a {@code system} message of type
     * {@code user_changed_number} from the old number, without a {@code contacts} array, shaped as in
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/
     * (and the OpenAPI's "System Message" example). The user writes from the new number afterwards, with a
     * new BSUID (a number change regenerates it). Returns the system message's wamid.
     */
    public String userChangesNumber(String oldWaId, String newWaId, String phoneNumberId) {
        User old = state.user(oldWaId);
        User now = state.user(newWaId);
        now.name = old.name;
        PhoneNumber n = state.number(phoneNumberId).orElseThrow();
        String wamid = state.newWamid();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("from", oldWaId);
        message.put("id", wamid);
        message.put("timestamp", Long.toString(state.now().getEpochSecond()));
        message.put("type", "system");
        message.put("system", Map.of("body", "User " + old.name + " changed from " + oldWaId + " to " + newWaId, "wa_id", newWaId,
                "type", "user_changed_number"));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", n.displayNumber, "phone_number_id", n.id));
        value.put("messages", List.of(message));
        deliver(n.wabaId, "messages", value);
        return wamid;
    }

    /** The user stops (or resumes) marketing from businesses; Meta sends user_preferences. */
    public void setMarketingPreference(String waId, String phoneNumberId, boolean stop) {
        User u = state.user(waId);
        u.marketingStopped = stop;
        PhoneNumber n = state.number(phoneNumberId).orElseThrow();
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", n.displayNumber, "phone_number_id", n.id));
        value.put("contacts", List.of(Map.of("wa_id", u.waId, "user_id", u.bsuid)));
        value.put("user_preferences", List.of(Map.of("wa_id", u.waId, "user_id", u.bsuid, "detail", "User requested to "
                + (stop ? "stop" : "resume") + " marketing messages", "category", "marketing_messages", "value", stop ? "stop" : "resume",
                "timestamp", state.now().getEpochSecond())));
        deliver(n.wabaId, "user_preferences", value);
    }

    /** Queues a change for the app, if it is subscribed to the WABA (a messages override URL wins). */
    void deliver(String wabaId, String field, Map<String, Object> value) {
        Waba waba = state.wabas.get(wabaId);
        if (waba == null || !waba.subscribedApps.containsKey(appId)) {
            return;
        }
        String override = waba.subscribedApps.get(appId);
        String target = override != null && field.equals("messages") ? override : callbackUrl;
        if (target != null) {
            webhooks.enqueue(target, wabaId, Map.of("field", field, "value", value), state.now());
        }
    }

    /** Account-level notices go to the app even after it was unsubscribed (PARTNER_APP_UNINSTALLED). */
    private void deliverToApp(String wabaId, String field, Map<String, Object> value) {
        if (callbackUrl != null) {
            webhooks.enqueue(callbackUrl, wabaId, Map.of("field", field, "value", value), state.now());
        }
    }

    // ----- HTTP ----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase();
            Map<String, String> params = Request.parseParams(exchange.getRequestURI().getRawQuery());
            String contentType = exchange.getRequestHeaders().getFirst("content-type");
            if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                params.putAll(Request.parseParams(new String(body, StandardCharsets.UTF_8)));
            }
            String auth = exchange.getRequestHeaders().getFirst("authorization");
            String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : params.get("access_token");
            if (method.equals("GET") && (path.equals("/sdk.js") || path.equals("/en_US/sdk.js") || path.equals("/_sandbox/signup"))) {
                String file = path.endsWith("sdk.js") ? "sdk.js" : "signup.html";
                try (InputStream page = MetaSandbox.class.getResourceAsStream("/sandbox/" + file)) {
                    respond(exchange, new Answer(200, page.readAllBytes(),
                            file.endsWith(".js") ? "application/javascript" : "text/html; charset=utf-8"));
                }
                return;
            }
            if (path.startsWith("/_sandbox/")) {
                respond(exchange, Control.handle(this, method, path, params, body));
                return;
            }
            if (path.startsWith("/_media/")) {
                media(exchange, path, params, bearer);
                return;
            }
            Matcher versioned = VERSIONED.matcher(path);
            if (!versioned.matches()) {
                respond(exchange, new Answer(404, GraphError.unknownObject(path).body()));
                return;
            }
            String graphPath = versioned.group(1) == null ? "/" : versioned.group(1);
            List<String> segments = Arrays.stream(graphPath.split("/")).filter(s -> !s.isEmpty()).toList();
            int apiVersion = Integer.parseInt(path.substring(2, path.indexOf('.')));   // "/v23.0/..." -> 23
            Request request = new Request(method, graphPath, segments, params, body, contentType, bearer, apiVersion);
            Answer answer;
            int code = 0;
            Faults.Rule fault = faults.take(method, graphPath);
            if (fault != null && fault.kind() == Faults.Kind.TIMEOUT) {
                sleep(fault.delayMillis());
                record(request, 0, 0);
                return; // closes the exchange without an answer
            }
            if (fault != null && fault.kind() == Faults.Kind.SLOW) {
                sleep(fault.delayMillis());
            }
            boolean lost = fault != null && fault.kind() == Faults.Kind.ANSWER_LOST;
            try {
                if (fault != null && fault.kind() != Faults.Kind.SLOW && !lost) {
                    throw Faults.error(fault);
                }
                answer = new Answer(200, GraphApi.route(this, request));
            } catch (GraphError e) {
                answer = new Answer(e.httpStatus(), e.body(), "application/json", e.wwwAuthenticate());
                code = e.code();
            }
            record(request, answer.status(), code);
            if (lost) {
                sleep(fault.delayMillis());
                return; // acted on, but the answer never reaches the caller
            }
            respond(exchange, answer);
        } catch (RuntimeException e) {
            log.error("sandbox failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            respond(exchange, new Answer(500, new GraphError(500, 1, null, "OAuthException", "An unknown error occurred", null).body()));
        }
    }

    /** An HTTP answer: status and a JSON-able body (or raw bytes). */
    record Answer(int status, Object body, String contentType, String wwwAuthenticate) {
        Answer(int status, Object body) {
            this(status, body, "application/json", null);
        }

        Answer(int status, Object body, String contentType) {
            this(status, body, contentType, null);
        }
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] out = answer.body() instanceof byte[] b ? b : JSON.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().set("content-type", answer.contentType());
        if (answer.wwwAuthenticate() != null) {
            exchange.getResponseHeaders().set("www-authenticate", answer.wwwAuthenticate());
        }
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
    }

    private void record(Request r, int status, int code) {
        Map<String, String> params = new LinkedHashMap<>();
        r.params().forEach((k, v) -> params.put(k, MASKED.contains(k) ? "***" : v));
        String body = "";
        if (r.body().length > 0 && r.contentType() != null && r.contentType().startsWith("application/json")) {
            try {
                JsonNode node = JSON.readTree(r.body());
                if (node instanceof ObjectNode o) {
                    MASKED.forEach(k -> {
                        if (o.has(k)) {
                            o.put(k, "***");
                        }
                    });
                }
                body = node.toString();
            } catch (IOException e) {
                body = "(not JSON, " + r.body().length + " bytes)";
            }
        } else if (r.body().length > 0) {
            body = "(" + r.body().length + " bytes of " + r.contentType() + ")";
        }
        calls.add(new Call(state.now().toString(), r.method(), r.path(), params, body, status, code));
    }

    // ----- auth and rate limits used by GraphApi -------------------------------------------------------------------

    /** The business token of the request, checked (190 when missing, invalid, revoked or expired). */
    Token token(Request r) {
        if (r.bearer() == null || r.bearer().isBlank()) {
            throw GraphError.invalidToken("An active access token must be used to query information about the current user.", null);
        }
        Token t = state.tokens.get(r.bearer());
        if (t == null) {
            throw GraphError.invalidToken("Invalid OAuth access token - Cannot parse access token", null);
        }
        if (!t.valid) {
            throw GraphError.invalidToken("Error validating access token: The user has not authorized application " + appId + ".", 458);
        }
        if (t.expiresAt != null && !state.now().isBefore(t.expiresAt)) {
            throw GraphError.invalidToken(expiredMessage(t.expiresAt, state.now()), 463);
        }
        return t;
    }

    /*
     * Meta's wording for an expired token (code 190, subcode 463), times in Pacific time:
     * "Error validating access token: Session has expired on Wednesday, 14-Feb-18 18:00:00 PST. The current time is
     * Thursday, 15-Feb-18 13:46:35 PST." (https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling)
     */
    private static final java.time.format.DateTimeFormatter META_TIME = java.time.format.DateTimeFormatter
            .ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", java.util.Locale.US).withZone(java.time.ZoneId.of("America/Los_Angeles"));

    static String expiredMessage(Instant expiredAt, Instant now) {
        return "Error validating access token: Session has expired on " + META_TIME.format(expiredAt) + ". The current time is "
                + META_TIME.format(now) + ".";
    }

    /** {@code webhook_configuration} of a number: {@code application} (the app's callback) and any WABA override. */
    Map<String, Object> webhookConfiguration(PhoneNumber n) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (callbackUrl != null) {
            config.put("application", callbackUrl);
        }
        Waba waba = state.wabas.get(n.wabaId);
        String override = waba == null ? null : waba.subscribedApps.get(appId);
        if (override != null) {
            config.put("whatsapp_business_account", override);
        }
        return config;
    }

    /** The asset must belong to the token's business. */
    void requireAccess(Token t, String id) {
        if (!state.assetsOf(t.businessId).contains(id)) {
            throw GraphError.unknownObject(id);
        }
    }

    boolean isAppToken(String bearer) {
        return (appId + "|" + appSecret).equals(bearer);
    }

    boolean appSecretMatches(String secret) {
        return secret != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), appSecret.getBytes(StandardCharsets.UTF_8));
    }

    Duration codeTtl() {
        return CODE_TTL;
    }

    /** Management endpoints: 200 calls per hour per WABA, 5,000 once a number is registered (80007 beyond). */
    void countManagementCall(Waba waba) {
        Instant now = state.now();
        boolean active = state.numbers.values().stream().anyMatch(n -> n.wabaId.equals(waba.id) && n.registered);
        int limit = managementLimitPerHour > 0 ? managementLimitPerHour : active ? 5000 : 200;
        synchronized (waba.managementCalls) {
            while (!waba.managementCalls.isEmpty() && waba.managementCalls.peekFirst().isBefore(now.minus(Duration.ofHours(1)))) {
                waba.managementCalls.pollFirst();
            }
            if (waba.managementCalls.size() >= limit) {
                throw GraphError.whatsapp(400, 80007, "Rate limit issues",
                        "The WhatsApp Business Account has reached its rate limit (" + limit + " calls per hour).");
            }
            waba.managementCalls.addLast(now);
        }
    }

    Messaging messaging() {
        return messaging;
    }

    Business business(String id) {
        Business b = state.businesses.get(id);
        if (b == null) {
            throw GraphError.unknownObject(id);
        }
        return b;
    }

    /** A media download URL valid for 5 minutes, as Meta's. */
    String mediaUrl(SandboxState.Media m) {
        long expires = state.now().plus(Duration.ofMinutes(5)).getEpochSecond();
        return baseUrl() + "/_media/" + m.id + "?ext=" + expires + "&hash=" + sign(m.id + ":" + expires);
    }

    private String sign(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest((appSecret + text).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void media(HttpExchange exchange, String path, Map<String, String> params, String bearer) throws IOException {
        String id = path.substring("/_media/".length());
        SandboxState.Media m = state.media.get(id);
        long expires = Long.parseLong(params.getOrDefault("ext", "0"));
        boolean signed = m != null && sign(id + ":" + expires).equals(params.get("hash"));
        if (bearer == null || !state.tokens.containsKey(bearer) || !state.tokens.get(bearer).valid) {
            respond(exchange, new Answer(401, GraphError.invalidToken("Invalid OAuth access token", null).body()));
        } else if (!signed || state.now().getEpochSecond() > expires) {
            respond(exchange, new Answer(404, Map.of("error", Map.of("message", "URL expired or invalid"))));
        } else {
            respond(exchange, new Answer(200, m.bytes, m.mimeType));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<String> numbersOf(String wabaId) {
        List<String> out = new ArrayList<>();
        state.numbers.values().stream().filter(n -> n.wabaId.equals(wabaId)).forEach(n -> out.add(n.id));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        webhooks.close();
        messaging.close();
    }
}
