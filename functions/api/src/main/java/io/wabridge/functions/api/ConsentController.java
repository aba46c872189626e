package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.consent.CanSend;
import io.wabridge.core.consent.CheckCanSend;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.ConsentLedger;
import io.wabridge.core.consent.ConsentRejected;
import io.wabridge.core.consent.ConsentState;
import io.wabridge.core.consent.ContactKey;
import io.wabridge.core.consent.RecordConsent;
import io.wabridge.core.inbound.TenantId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The consent ledger's API: record one entry, import many, read a contact's state and history, and ask whether a
 * category may be sent now.
 */
final class ConsentController {

    private final RecordConsent record;
    private final ConsentLedger ledger;
    private final CheckCanSend canSend;
    private final io.wabridge.core.channel.Channels channels;

    ConsentController(RecordConsent record, ConsentLedger ledger, CheckCanSend canSend, io.wabridge.core.channel.Channels channels) {
        this.record = record;
        this.ledger = ledger;
        this.canSend = canSend;
        this.channels = channels;
    }

    /** {@code POST /v1/contacts/{contact}/consent}: {@code {action, scope?, source?, at?, proof}}. */
    APIGatewayV2HTTPResponse record(TenantId tenant, APIGatewayV2HTTPEvent event, String who) {
        JsonNode body = HttpResponses.jsonObject(event).orElse(null);
        if (body == null) {
            return error(400, "body_invalid", "the body must be a JSON object {action, scope, source, at, proof}");
        }
        try {
            RecordConsent.RowResult r = record.record(tenant, row(event.getPathParameters().get("contact"), body), ConsentEvent.Source.API, who);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("contact", r.contact());
            out.put("outcome", r.outcome());
            out.put("state", state(r.state()));
            return json(r.outcome().equals("recorded") ? 201 : 200, out);
        } catch (ConsentRejected e) {
            return rejected(e);
        }
    }

    /** {@code POST /v1/consent/import}: {@code {rows: [{contact, action, scope?, source?, at?, proof}]}}; bad rows are reported. */
    APIGatewayV2HTTPResponse importRows(TenantId tenant, APIGatewayV2HTTPEvent event, String who) {
        JsonNode body = HttpResponses.jsonObject(event).orElse(null);
        if (body == null || !body.path("rows").isArray()) {
            return error(400, "body_invalid", "the body must be a JSON object {rows: [...]}", "rows");
        }
        List<RecordConsent.Row> rows = new ArrayList<>();
        List<Map<String, Object>> bad = new ArrayList<>();
        Map<Integer, Integer> index = new HashMap<>();
        int i = 0;
        for (JsonNode n : body.get("rows")) {
            try {
                index.put(rows.size(), i);
                rows.add(row(n.path("contact").asText(null), n));
            } catch (ConsentRejected e) {
                index.remove(rows.size());
                bad.add(badRow(i, n.path("contact").asText(null), e.field(), e.getMessage()));
            }
            i++;
        }
        try {
            int recorded = 0;
            int duplicates = 0;
            for (RecordConsent.RowResult r : record.importRows(tenant, rows, who)) {
                switch (r.outcome()) {
                    case "recorded" -> recorded++;
                    case "duplicate" -> duplicates++;
                    default -> bad.add(badRow(index.get(r.row()), r.contact(), r.field(), r.error()));
                }
            }
            bad.sort(java.util.Comparator.comparing(m -> (Integer) m.get("row")));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rows", i);
            out.put("recorded", recorded);
            out.put("duplicates", duplicates);
            out.put("rejected", bad.size());
            out.put("errors", bad);
            return json(200, out);
        } catch (ConsentRejected e) {
            return rejected(e);
        }
    }

    /** {@code GET /v1/contacts/{contact}/consent}: the state and every ledger entry, oldest first. */
    APIGatewayV2HTTPResponse read(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String contact;
        try {
            contact = ContactKey.of(event.getPathParameters().get("contact"));
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_contact", e.getMessage(), "contact");
        }
        List<ConsentEvent> history = ledger.history(tenant, contact);
        if (history.isEmpty()) {
            return error(404, "contact_unknown", "no consent recorded for this contact");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contact", contact);
        out.put("state", state(ConsentState.of(history)));
        out.put("history", history.stream().map(ConsentController::entry).toList());
        return json(200, out);
    }

    /**
     * {@code GET /v1/contacts/{contact}/can-send?category=&channel=}, or {@code ?template=&language=&channel=} for a
     * template as the send path would take it (its category now; unknown counts as marketing).
     */
    APIGatewayV2HTTPResponse canSend(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String contact;
        CanSend.Category category;
        try {
            contact = ContactKey.of(event.getPathParameters().get("contact"));
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_contact", e.getMessage(), "contact");
        }
        String channel = HttpResponses.query(event, "channel").orElse(null);
        String template = HttpResponses.query(event, "template").orElse(null);
        if (template != null) {
            String language = HttpResponses.query(event, "language").orElse(null);
            if (language == null || !language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
                return error(400, "invalid_language", "language must be the template's language code, like en_US", "language");
            }
            var ch = channel == null ? java.util.Optional.<io.wabridge.core.channel.Channel>empty() : channels.get(tenant, channel);
            if (ch.isEmpty() || ch.get().status() == io.wabridge.core.channel.Channel.Status.DISCONNECTED) {
                return error(404, "channel_unknown", "a template check needs ?channel= one of your channels (its WABA holds the template)", "channel");
            }
            category = canSend.templateCategory(tenant, ch.get().wabaId(), template, language);
        } else {
            try {
                category = CanSend.Category.of(HttpResponses.query(event, "category").orElse(null));
                if (category == CanSend.Category.SERVICE) {
                    throw new IllegalArgumentException("category must be one of marketing, utility, authentication");
                }
            } catch (IllegalArgumentException e) {
                return error(400, "invalid_category", e.getMessage(), "category");
            }
        }
        CanSend.Decision d = canSend.check(tenant, contact, category, channel);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contact", contact);
        out.put("category", category.name().toLowerCase(Locale.ROOT));
        out.put("allowed", d.allowed());
        out.put("reason", d.reason());
        out.put("inWindow", d.inWindow());
        return json(200, out);
    }

    private static RecordConsent.Row row(String contact, JsonNode n) {
        Instant at = null;
        if (n.hasNonNull("at")) {
            try {
                at = Instant.parse(n.get("at").asText());
            } catch (DateTimeParseException e) {
                throw new ConsentRejected("at", "at must be an ISO-8601 instant such as 2026-11-22T10:00:00Z");
            }
        }
        Map<String, String> proof = new LinkedHashMap<>();
        if (n.has("proof")) {
            if (!n.get("proof").isObject()) {
                throw new ConsentRejected("proof", "proof must be an object of strings");
            }
            n.get("proof").fields().forEachRemaining(f -> proof.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : null));
        }
        return new RecordConsent.Row(contact, n.path("action").asText(null), n.path("scope").asText(null), n.path("source").asText(null), at, proof);
    }

    private static Map<String, Object> badRow(int row, String contact, String field, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row", row);
        m.put("contact", contact);
        m.put("field", field);
        m.put("error", error);
        return m;
    }

    private static APIGatewayV2HTTPResponse rejected(ConsentRejected e) {
        return io.wabridge.adapters.lambda.HttpRefusals.response(e);
    }

    static Map<String, Object> state(ConsentState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("all", s.all().name().toLowerCase(Locale.ROOT));
        m.put("marketing", s.marketing().name().toLowerCase(Locale.ROOT));
        m.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        m.put("optedOutAt", s.optedOutAt() == null ? null : s.optedOutAt().toString());
        return m;
    }

    static Map<String, Object> entry(ConsentEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("action", e.action().name().toLowerCase(Locale.ROOT));
        m.put("scope", e.scope().name().toLowerCase(Locale.ROOT));
        m.put("source", e.source().wireName());
        m.put("at", e.at().toString());
        m.put("proof", e.proof());
        m.put("recordedBy", e.recordedBy());
        return m;
    }
}
