package io.wabridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.sandbox.SandboxState.PhoneNumber;
import io.wabridge.sandbox.SandboxState.SentMessage;
import io.wabridge.sandbox.SandboxState.Template;
import io.wabridge.sandbox.SandboxState.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /{phone-number-id}/messages} with Meta's validation and rules, the asynchronous status
 * webhooks that follow (sent, delivered, read, or failed with Meta's error), and the simulated users'
 * inbound messages.
 */
final class Messaging {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("text", "image", "audio", "video", "document", "sticker", "template",
            "interactive", "reaction", "location", "contacts");
    private static final Set<String> MEDIA = Set.of("image", "audio", "video", "document", "sticker");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{7,15}");
    private static final Pattern BSUID = Pattern.compile("[A-Z]{2}\\.[0-9]{6,40}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([0-9]+)}}");

    private final SandboxState state;
    private final MetaSandbox sandbox;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sandbox-statuses").factory());
    volatile long statusStepMillis = 100;
    private final java.util.concurrent.atomic.AtomicInteger scheduled = new java.util.concurrent.atomic.AtomicInteger();

    Messaging(SandboxState state, MetaSandbox sandbox) {
        this.state = state;
        this.sandbox = sandbox;
    }

    Map<String, Object> send(PhoneNumber number, JsonNode body) {
        if (!"whatsapp".equals(body.path("messaging_product").asText())) {
            throw GraphError.invalidParameter("The parameter messaging_product is required.", "messaging_product must be \"whatsapp\"");
        }
        if (body.has("status")) {
            return markRead(number, body);
        }
        if (!number.registered) {
            throw GraphError.whatsapp(400, 133010, "Account not registered", "Phone number is not registered on the WhatsApp Business Platform.");
        }
        String to = body.hasNonNull("to") ? body.get("to").asText() : body.path("recipient").asText(null);
        if (to == null || to.isBlank()) {
            throw GraphError.invalidParameter("The parameter to is required.", "to (or recipient) is required");
        }
        boolean bsuid = BSUID.matcher(to).matches();
        if (!bsuid && !PHONE.matcher(to).matches()) {
            throw GraphError.invalidParameter("Invalid parameter", "Invalid phone number format for 'to': " + to);
        }
        String type = body.path("type").asText("text");
        if (!TYPES.contains(type)) {
            throw GraphError.invalidParameter("Param type must be one of {" + String.join(", ", TYPES) + "}", "unsupported type " + type);
        }
        String category = validate(number, type, body);
        throttle(number);
        String waId = to.startsWith("+") ? to.substring(1) : to;
        User user = bsuid ? state.users.values().stream().filter(u -> u.bsuid.equals(to)).findFirst().orElse(null) : state.users.get(waId);
        if (user != null) {
            pairLimit(number, user);
        }
        refuseSynchronously(number, user, type);
        SentMessage message = new SentMessage(state.newWamid(), number.id, waId, type, category, JSON.convertValue(body, Map.class));
        state.sent.put(message.wamid, message);
        progress(number, message, user, body);
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("input", to);
        contact.put("wa_id", user == null ? waId : user.waId);
        return Map.of("messaging_product", "whatsapp", "contacts", List.of(contact),
                "messages", List.of(type.equals("template") ? Map.of("id", message.wamid, "message_status", messageStatus(user, category))
                        : Map.of("id", message.wamid)));
    }

    /** Validates the type-specific object; returns the pricing category the message will be billed under. */
    private String validate(PhoneNumber number, String type, JsonNode body) {
        JsonNode payload = body.path(type);
        if (payload.isMissingNode() || payload.isNull()) {
            throw GraphError.invalidParameter("The parameter " + type + " is required.", type + " object is required");
        }
        switch (type) {
            case "text" -> {
                String text = payload.path("body").asText(null);
                if (text == null || text.isEmpty()) {
                    throw GraphError.invalidParameter("The parameter text['body'] is required.", "text.body is required");
                }
                if (text.codePointCount(0, text.length()) > 4096) {
                    throw GraphError.invalidParameter("Param text['body'] must be at most 4096 characters long.", "text.body is too long");
                }
            }
            case "image", "audio", "video", "document", "sticker" -> {
                boolean id = payload.hasNonNull("id");
                boolean link = payload.hasNonNull("link");
                if (id == link) {
                    throw GraphError.invalidParameter("Invalid parameter", type + " needs exactly one of id or link");
                }
                if (payload.hasNonNull("caption")) {
                    if (type.equals("audio") || type.equals("sticker")) {
                        throw GraphError.invalidParameter("Invalid parameter", "Param " + type + "['caption'] is not a valid parameter for " + type);
                    }
                    length("Caption", payload.path("caption"), 1024);
                }
                if (id && !state.media.containsKey(payload.get("id").asText())) {
                    throw GraphError.invalidParameter("Invalid parameter", "media id " + payload.get("id").asText() + " not found");
                }
            }
            case "template" -> {
                return template(number, payload);
            }
            case "interactive" -> {
                String kind = payload.path("type").asText("");
                if (!Set.of("button", "list", "cta_url", "flow", "product", "product_list", "location_request_message").contains(kind)) {
                    throw GraphError.invalidParameter("Invalid parameter", "interactive.type " + kind + " is not supported");
                }
                if (!kind.startsWith("product") && payload.path("body").path("text").asText("").isEmpty()) {
                    throw GraphError.invalidParameter("The parameter interactive['body']['text'] is required.", "interactive.body.text is required");
                }
                if (kind.equals("button") && (payload.path("action").path("buttons").size() < 1 || payload.path("action").path("buttons").size() > 3)) {
                    throw GraphError.invalidParameter("Invalid parameter", "interactive button messages need 1 to 3 buttons");
                }
                interactiveLimits(kind, payload);
            }
            case "reaction" -> {
                if (payload.path("message_id").asText("").isEmpty()) {
                    throw GraphError.invalidParameter("The parameter reaction['message_id'] is required.", "reaction.message_id is required");
                }
            }
            case "location" -> {
                if (!payload.path("latitude").isNumber() && !payload.path("latitude").isTextual()
                        || !payload.path("longitude").isNumber() && !payload.path("longitude").isTextual()) {
                    throw GraphError.invalidParameter("Invalid parameter", "location needs latitude and longitude");
                }
            }
            case "contacts" -> {
                if (!payload.isArray() || payload.isEmpty()) {
                    throw GraphError.invalidParameter("Invalid parameter", "contacts must be a non-empty array");
                }
            }
            default -> {
            }
        }
        return "service";
    }

    /*
     * Meta's length and count limits for interactive messages, as its documentation states them (the sandbox's own
     * copy, independent of WaBridge's: MetaLimitsTest in the local module checks both against one table).
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-cta-url-messages
     * A value over its limit is refused as Meta does: (#131009) Parameter value is not valid, HTTP 400.
     */
    private static void interactiveLimits(String kind, JsonNode payload) {
        length("Body text", payload.path("body").path("text"), 1024);
        if (payload.has("footer")) {
            length("Footer text", payload.path("footer").path("text"), 60);
        }
        if ("text".equals(payload.path("header").path("type").asText())) {
            length("Header text", payload.path("header").path("text"), 60);
        }
        JsonNode action = payload.path("action");
        switch (kind) {
            case "button" -> {
                Set<String> ids = new java.util.HashSet<>();
                Set<String> titles = new java.util.HashSet<>();
                for (JsonNode b : action.path("buttons")) {
                    length("Button title", b.path("reply").path("title"), 20);
                    length("Button id", b.path("reply").path("id"), 256);
                    if (!ids.add(b.path("reply").path("id").asText()) || !titles.add(b.path("reply").path("title").asText())) {
                        throw parameterValue("Button title and id must be unique");
                    }
                }
            }
            case "list" -> {
                length("Button text", action.path("button"), 20);
                JsonNode sections = action.path("sections");
                if (sections.size() < 1 || sections.size() > 10) {
                    throw parameterValue("Invalid number of sections. Min: 1, Max: 10");
                }
                int rows = 0;
                Set<String> ids = new java.util.HashSet<>();
                for (JsonNode section : sections) {
                    if (section.has("title") || sections.size() > 1) {
                        length("Section title", section.path("title"), 24);
                    }
                    for (JsonNode row : section.path("rows")) {
                        rows++;
                        length("Row id", row.path("id"), 200);
                        length("Row title", row.path("title"), 24);
                        if (row.has("description")) {
                            length("Row description", row.path("description"), 72);
                        }
                        if (!ids.add(row.path("id").asText())) {
                            throw parameterValue("Row ids must be unique");
                        }
                    }
                }
                if (rows < 1 || rows > 10) {
                    throw parameterValue("Invalid number of rows. Min: 1, Max: 10");
                }
            }
            case "cta_url" -> length("Display text", action.path("parameters").path("display_text"), 20);
            default -> { }
        }
    }

    private static void length(String what, JsonNode value, int max) {
        String text = value.asText("");
        int n = text.codePointCount(0, text.length());
        if (!value.isTextual() || n < 1 || n > max) {
            throw parameterValue(what + " length invalid. Min length: 1, Max length: " + max);
        }
    }

    private static GraphError parameterValue(String details) {
        return GraphError.whatsapp(400, 131009, "Parameter value is not valid", details);
    }

    private String template(PhoneNumber number, JsonNode payload) {
        String name = payload.path("name").asText("");
        String language = payload.path("language").path("code").asText("");
        if (name.isEmpty() || language.isEmpty()) {
            throw GraphError.invalidParameter("Invalid parameter", "template.name and template.language.code are required");
        }
        Template template = state.wabas.get(number.wabaId).templates.values().stream()
                .filter(t -> t.name.equals(name) && t.language.equals(language)).findFirst()
                .orElseThrow(() -> GraphError.whatsapp(404, 132001, "Template name does not exist in the translation",
                        "template name (" + name + ") does not exist in " + language));
        switch (template.status) {
            case "APPROVED" -> {
            }
            case "PAUSED" -> throw GraphError.whatsapp(400, 132015, "Template is Paused", "Template is paused due to low quality.");
            case "DISABLED" -> throw GraphError.whatsapp(400, 132016, "Template is Disabled", "Template has been permanently disabled.");
            default -> throw GraphError.whatsapp(404, 132001, "Template name does not exist in the translation",
                    "template " + name + " is " + template.status);
        }
        int given = 0;
        for (JsonNode component : payload.path("components")) {
            if ("body".equalsIgnoreCase(component.path("type").asText())) {
                given = component.path("parameters").size();
            }
        }
        if (given != template.bodyParameters) {
            throw GraphError.whatsapp(400, 132000, "Number of parameters does not match the expected number of params",
                    "body: number of localizable_params (" + given + ") does not match the expected number of params ("
                            + template.bodyParameters + ")");
        }
        return template.category.toLowerCase();
    }

    /**
     * A template send's {@code message_status} in the answer: {@code accepted}, or {@code held_for_quality_assessment} for
     * a marketing template to a user in the scenario {@link User#marketingHeldForQualityAssessment}. Source: Meta's OpenAPI
     * (../shared/reference/meta-business-messaging-api_v23.0.yaml), MarketingMessageResponsePayload.messages[].message_status,
     * enum MessageStatus: accepted, held_for_quality_assessment ("being held for quality assessment before delivery"), paused.
     */
    private static String messageStatus(User user, String category) {
        return user != null && user.marketingHeldForQualityAssessment && "marketing".equals(category) ? "held_for_quality_assessment" : "accepted";
    }

    /** The scenario {@link User#refusesSynchronously}: Meta's 131026 / 131047 in the API answer (HTTP 400). */
    private void refuseSynchronously(PhoneNumber number, User user, String type) {
        if (user == null || !user.refusesSynchronously) {
            return;
        }
        if (!user.onWhatsApp) {
            throw GraphError.whatsapp(400, 131026, "Message undeliverable", "Message Undeliverable.");
        }
        if (!type.equals("template") && !type.equals("reaction") && !windowOpen(user, number)) {
            throw GraphError.whatsapp(400, 131047, "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
        }
    }

    /** Per-number throughput: 80 messages per second by default, 1,000 after an upgrade. */
    private void throttle(PhoneNumber number) {
        long second = state.now().getEpochSecond();
        synchronized (number) {
            while (!number.sendsThisSecond.isEmpty() && number.sendsThisSecond.peekFirst() < second) {
                number.sendsThisSecond.pollFirst();
            }
            if (number.sendsThisSecond.size() >= number.mps()) {
                throw GraphError.whatsapp(400, 130429, "Rate limit hit",
                        "Cloud API message throughput has been reached (" + number.mps() + " messages per second).");
            }
            number.sendsThisSecond.addLast(second);
        }
    }

    /** Pair rate limit: one message per 6 s to one user, bursts of up to 45. */
    private void pairLimit(PhoneNumber number, User user) {
        double now = state.now().toEpochMilli() / 1000.0;
        double[] bucket = user.pairBucket.computeIfAbsent(number.id, k -> new double[] {45, now});
        synchronized (bucket) {
            bucket[0] = Math.min(45, bucket[0] + (now - bucket[1]) / 6.0);
            bucket[1] = now;
            if (bucket[0] < 1) {
                throw GraphError.whatsapp(400, 131056, "(Business Account, Consumer Account) pair rate limit hit",
                        "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.");
            }
            bucket[0] -= 1;
        }
    }

    /** Schedules the status webhooks of an accepted message. */
    private void progress(PhoneNumber number, SentMessage message, User user, JsonNode body) {
        Map<String, Object> failure = null;
        boolean freeForm = !message.type.equals("template");
        if (user == null || !user.onWhatsApp) {
            failure = GraphError.statusError(131026, "Message undeliverable",
                    "Message Undeliverable: the recipient is not a WhatsApp user or cannot receive this message.");
        } else if (freeForm && !message.type.equals("reaction") && !windowOpen(user, number)) {
            failure = GraphError.statusError(131047, "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
        } else if ("marketing".equals(message.category) && user.marketingStopped) {
            failure = GraphError.statusError(131050, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
                    "This recipient has chosen to stop receiving marketing messages on WhatsApp from your business. Do not retry.");
        }
        String callback = body.path("biz_opaque_callback_data").asText(null);
        if (failure != null) {
            Map<String, Object> error = failure;
            later(() -> status(number, message, user, "failed", error, callback), statusStepMillis);
            return;
        }
        later(() -> status(number, message, user, "sent", null, callback), statusStepMillis);
        later(() -> status(number, message, user, "delivered", null, callback), 2 * statusStepMillis);
        if (user.readsMessages) {
            later(() -> status(number, message, user, "read", null, callback), 3 * statusStepMillis);
        }
    }

    boolean windowOpen(User user, PhoneNumber number) {
        Instant last = user.lastInbound.get(number.id);
        return last != null && Duration.between(last, state.now()).compareTo(Duration.ofHours(24)) < 0;
    }

    private void status(PhoneNumber number, SentMessage message, User user, String status, Map<String, Object> error, String callback) {
        message.statuses.add(status);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", message.wamid);
        s.put("status", status);
        s.put("timestamp", Long.toString(state.now().getEpochSecond()));
        s.put("recipient_id", message.to);
        if (user != null) {
            s.put("recipient_user_id", user.bsuid);
        }
        if (callback != null) {
            s.put("biz_opaque_callback_data", callback);
        }
        if (error != null) {
            s.put("errors", List.of(error));
        } else if (!status.equals("read")) {
            boolean freeService = message.category.equals("service")
                    || (message.category.equals("utility") && user != null && windowOpen(user, number));
            s.put("pricing", Map.of("billable", !freeService, "pricing_model", "PMP",
                    "type", freeService ? "free_customer_service" : "regular", "category", message.category));
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", number.displayNumber, "phone_number_id", number.id));
        if (error == null && user != null) {
            value.put("contacts", List.of(Map.of("wa_id", user.waId, "user_id", user.bsuid)));
        }
        value.put("statuses", List.of(s));
        sandbox.deliver(number.wabaId, "messages", value);
    }

    private Map<String, Object> markRead(PhoneNumber number, JsonNode body) {
        if (!"read".equals(body.path("status").asText())) {
            throw GraphError.invalidParameter("Invalid parameter", "status must be \"read\"");
        }
        String id = body.path("message_id").asText("");
        if (!state.inboundWamids.contains(number.id + "/" + id)) {
            throw GraphError.invalidParameter("Invalid parameter", "message_id " + id + " is not a message received by this number");
        }
        if (body.has("typing_indicator") && !"text".equals(body.path("typing_indicator").path("type").asText())) {
            throw GraphError.invalidParameter("Invalid parameter", "typing_indicator.type must be \"text\"");
        }
        return Map.of("success", true);
    }

    /** A simulated user sends a message of {@code type} (with its type object) to a business number. */
    String receive(User user, PhoneNumber number, String type, Map<String, Object> content, String replyTo) {
        String wamid = state.newWamid();
        state.inboundWamids.add(number.id + "/" + wamid);
        user.lastInbound.put(number.id, state.now());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("from", user.waId);
        message.put("from_user_id", user.bsuid);
        message.put("id", wamid);
        message.put("timestamp", Long.toString(state.now().getEpochSecond()));
        message.put("type", type);
        if (replyTo != null) {
            message.put("context", Map.of("from", number.displayNumber, "id", replyTo));
        }
        if (content != null && !type.equals("unsupported")) {
            message.put(type, content);
        }
        if (type.equals("unsupported")) {
            message.put("errors", List.of(GraphError.statusError(131051, "Message type unknown", "Message type is currently not supported.")));
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", number.displayNumber, "phone_number_id", number.id));
        value.put("contacts", List.of(Map.of("profile", Map.of("name", user.name), "wa_id", user.waId, "user_id", user.bsuid)));
        value.put("messages", List.of(message));
        sandbox.deliver(number.wabaId, "messages", value);
        return wamid;
    }

    /** Placeholders {{n}} in a template body text. */
    static int placeholders(String text) {
        Matcher m = PLACEHOLDER.matcher(text == null ? "" : text);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            if (!seen.contains(m.group(1))) {
                seen.add(m.group(1));
            }
        }
        return seen.size();
    }

    /** Runs {@code task} after {@code millis}; counted as still to happen until it has run. */
    void later(Runnable task, long millis) {
        scheduled.incrementAndGet();
        timer.schedule(() -> {
            try {
                task.run();
            } finally {
                scheduled.decrementAndGet();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Whether no status (or template review) is still to happen. */
    boolean idle() {
        return scheduled.get() == 0;
    }

    void close() {
        timer.shutdownNow();
    }
}
