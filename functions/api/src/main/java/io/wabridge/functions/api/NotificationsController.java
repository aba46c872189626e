package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.DynamoDbNotifications;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.notify.Notification;
import io.wabridge.core.notify.ScheduleNotification;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/notifications}, {@code GET /v1/notifications/{id}} and {@code GET /v1/consent/metrics} (opt-in
 * conversion of notifications).
 */
final class NotificationsController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduleNotification schedule;
    private final DynamoDbNotifications store;

    NotificationsController(ScheduleNotification schedule, DynamoDbNotifications store) {
        this.schedule = schedule;
        this.store = store;
    }

    APIGatewayV2HTTPResponse create(TenantId tenant, APIGatewayV2HTTPEvent event, String who) {
        JsonNode b = HttpResponses.jsonObject(event).orElse(null);
        if (b == null) {
            return error(400, "body_invalid", "the body must be a JSON object {channel, template, recipients, dueAt}");
        }
        Instant due = null;
        if (b.hasNonNull("dueAt")) {
            try {
                due = Instant.parse(b.get("dueAt").asText());
            } catch (DateTimeParseException e) {
                return error(400, "invalid_dueAt", "dueAt must be an ISO-8601 instant such as 2026-11-22T10:00:00Z", "dueAt");
            }
        }
        List<ScheduleNotification.Recipient> recipients = new ArrayList<>();
        for (JsonNode r : b.path("recipients")) {
            recipients.add(r.isTextual() ? new ScheduleNotification.Recipient(r.asText(), null)
                    : new ScheduleNotification.Recipient(r.path("to").asText(null), r.has("components") ? list(r.get("components")) : null));
        }
        JsonNode t = b.path("template");
        try {
            Notification n = schedule.schedule(tenant, new ScheduleNotification.Request(b.path("channel").asText(null), t.path("name").asText(null),
                    t.path("language").path("code").asText(t.path("language").isTextual() ? t.path("language").asText() : null),
                    b.path("category").asText(null), t.has("components") ? list(t.get("components")) : null, recipients, due), who);
            return json(201, header(n));
        } catch (io.wabridge.core.send.SendRejected e) {
            return io.wabridge.adapters.lambda.HttpRefusals.response(e);
        }
    }

    /** {@code GET /v1/notifications/{id}?after=&limit=}: the notification, its counts and a page of recipients with outcomes. */
    APIGatewayV2HTTPResponse read(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String id = event.getPathParameters().get("id");
        var n = store.get(tenant, id);
        if (n.isEmpty()) {
            return error(404, "notification_unknown", "no notification " + id + " for this tenant");
        }
        int after;
        int limit;
        try {
            after = Integer.parseInt(HttpResponses.query(event, "after").orElse("-1"));
            limit = Integer.parseInt(HttpResponses.query(event, "limit").orElse("100"));
        } catch (NumberFormatException e) {
            return error(400, "invalid_page", "after and limit must be numbers");
        }
        if (limit < 1 || limit > 500) {
            return error(400, "invalid_limit", "limit must be from 1 to 500", "limit");
        }
        Map<String, Object> out = header(n.get());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Notification.Recipient r : store.recipients(tenant, id, after, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", r.index());
            m.put("to", r.to());
            m.put("outcome", r.outcome() == null ? "pending" : r.outcome());
            m.put("reason", r.reason() == null || r.reason().isEmpty() ? null : r.reason());
            m.put("messageId", r.messageId());
            m.put("decidedAt", r.decidedAt() == null ? null : r.decidedAt().toString());
            items.add(m);
        }
        out.put("items", items);
        out.put("nextAfter", items.size() == limit ? items.get(items.size() - 1).get("index") : null);
        return json(200, out);
    }

    /** {@code GET /v1/consent/metrics?from&to}: opt-in rate now; notification rates over the days asked (default the last 30). */
    APIGatewayV2HTTPResponse metrics(TenantId tenant, APIGatewayV2HTTPEvent event) {
        LocalDate to;
        LocalDate from;
        try {
            to = HttpResponses.query(event, "to").map(LocalDate::parse).orElse(LocalDate.now(ZoneOffset.UTC));
            from = HttpResponses.query(event, "from").map(LocalDate::parse).orElse(to.minusDays(29));
        } catch (DateTimeParseException e) {
            return error(400, "invalid_date", "from and to must be dates such as 2026-11-22");
        }
        if (from.isAfter(to) || ChronoUnit.DAYS.between(from, to) > 366) {
            return error(400, "invalid_range", "from must not be after to, and the range at most 366 days");
        }
        Map<String, Long> c = store.consentStats(tenant);
        Map<String, Long> s = store.stats(tenant, from, to);
        long sent = s.getOrDefault("sent", 0L);
        long fallback = s.getOrDefault("fallback", 0L);
        long decided = sent + fallback + s.getOrDefault("skipped", 0L) + s.getOrDefault("failed", 0L);
        Map<String, Object> contacts = new LinkedHashMap<>();
        contacts.put("known", c.get("known"));
        contacts.put("optedIn", c.get("optedIn"));
        contacts.put("optedOut", c.get("optedOut"));
        contacts.put("optInRate", rate(c.get("optedIn"), c.get("known")));
        Map<String, Object> notifications = new LinkedHashMap<>();
        for (String k : List.of("sent", "sentInWindow", "fallback", "skipped", "failed", "delivered", "read")) {
            notifications.put(k, s.getOrDefault(k, 0L));
        }
        notifications.put("inWindowShare", rate(s.getOrDefault("sentInWindow", 0L), sent));
        notifications.put("fallbackRate", rate(fallback, decided));
        notifications.put("deliveryRate", rate(s.getOrDefault("delivered", 0L), sent));
        notifications.put("readRate", rate(s.getOrDefault("read", 0L), sent));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("contacts", contacts);
        out.put("notifications", notifications);
        return json(200, out);
    }

    private static Double rate(long part, long whole) {
        return whole == 0 ? null : Math.round(10_000.0 * part / whole) / 10_000.0;
    }

    private static Map<String, Object> header(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("channel", n.phoneNumberId());
        m.put("template", Map.of("name", n.template(), "language", n.language()));
        m.put("category", n.category().toLowerCase(java.util.Locale.ROOT));
        m.put("dueAt", n.dueAt().toString());
        m.put("state", n.state());
        m.put("recipients", n.recipients());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String k : List.of("sent", "sentInWindow", "fallback", "skipped", "failed")) {
            counts.put(k, n.counts().getOrDefault(k, 0L));
        }
        m.put("counts", counts);
        m.put("createdAt", n.createdAt().toString());
        return m;
    }

    private static List<Object> list(JsonNode n) {
        return n.isArray() ? JSON.convertValue(n, JSON.getTypeFactory().constructCollectionType(List.class, Object.class)) : null;
    }
}
