package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.claim;
import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;
import static io.wabridge.adapters.lambda.HttpResponses.query;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.adapters.lambda.TenantGate;
import io.wabridge.core.tenant.OffboardTenant;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.channel.ConnectChannel;
import io.wabridge.core.channel.OnboardingStep;
import io.wabridge.core.channel.SignupRejected;
import io.wabridge.core.inbound.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded Signup, the channels API, the tenant's settings and offboarding, and the public opt-in page. JWT
 * routes take the tenant from the token; the hosted setup page and its completion are open routes whose
 * credential is the signed, single-use signup state, as the opt-in page's is its signed, single-use link.
 */
public final class SignupHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger log = LoggerFactory.getLogger(SignupHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the front end needs besides the state: the app, the login configuration, the SDK and who may post the events. */
    record FrontEnd(String appId, String configId, String graphVersion, String sdkUrl, List<String> messageOrigins) {}

    private final TenantGate gate;
    private final ConnectChannel connect;
    private final Channels channels;
    private final FrontEnd frontEnd;
    private final OptInPage optIn;
    private final OffboardTenant offboard;
    private final TenantSettingsApi settings;
    private final String embedJs = resource("signup/embed.js");
    private final String pageHtml = resource("signup/page.html");

    public SignupHttpHandler() {
        this(Components.fromEnvironment());
    }

    public SignupHttpHandler(Components c) {
        this(c.tenantGate(), c.connectChannel(), c.channels(), new FrontEnd(c.config().metaAppId(), c.config().metaConfigId(),
                        c.config().graphApiVersion(), c.config().facebookSdkUrl(), c.config().signupMessageOrigins()),
                new OptInPage(c.optInLinks(), c::cachedSettings, resource("optin/page.html")), c.offboardTenant(),
                new TenantSettingsApi(c.updateSettings()));
    }

    SignupHttpHandler(TenantGate gate, ConnectChannel connect, Channels channels, FrontEnd frontEnd, OptInPage optIn, OffboardTenant offboard,
                      TenantSettingsApi settings) {
        this.gate = gate;
        this.settings = settings;
        this.optIn = optIn;
        this.offboard = offboard;
        this.connect = connect;
        this.channels = channels;
        this.frontEnd = frontEnd;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String route = event.getRouteKey();
        try {
            switch (route) {
                case "GET /v1/signup/embed.js":
                    return HttpResponses.body(200, "application/javascript; charset=utf-8", embedJs);
                case "GET /v1/signup/page":
                    return page(event);
                case "POST /v1/signup/page/complete":
                    return complete(null, event);
                case "GET /optin/{token}", "POST /optin/{token}":
                    return optIn.handle(event);
                default:
                    break;
            }
            return gate.handle(event, tenant -> jwtRoute(tenant, route, event));
        } catch (SignupRejected e) {
            log.info("{}: refused {} ({})", route, e.code(), e.status());
            return error(e.status(), e.code(), e.getMessage());
        }
    }

    private APIGatewayV2HTTPResponse jwtRoute(TenantId tenant, String route, APIGatewayV2HTTPEvent event) {
        String pn = event.getPathParameters() == null ? null : event.getPathParameters().get("phoneNumberId");
        return switch (route) {
            case "POST /v1/signup/sessions" -> start(tenant, event);
            case "POST /v1/signup/complete" -> complete(tenant, event);
            case "GET /v1/channels" -> list(tenant, event);
            case "GET /v1/channels/{phoneNumberId}" -> channels.get(tenant, requireNumber(pn))
                    .map(ch -> json(200, view(ch))).orElseGet(() -> error(404, "channel_unknown", "no channel " + pn + " for this tenant"));
            case "POST /v1/channels/{phoneNumberId}/onboarding/resume" -> {
                JsonNode body = body(event);
                Channel ch = connect.resume(tenant, requireNumber(pn), body.path("pin").isMissingNode() ? null : body.path("pin").asText());
                yield json(200, result(ch.status().wireName(), ch, null));
            }
            case "DELETE /v1/channels/{phoneNumberId}" -> {
                var r = connect.disconnect(tenant, requireNumber(pn), query(event, "deregister").map(Boolean::parseBoolean).orElse(false));
                yield json(200, result(r.outcome(), r.channel(), r.detail()));
            }
            case "DELETE /v1/tenant" -> offboard(tenant, event);
            case "GET /v1/tenant/settings" -> settings.get(tenant);
            case "PUT /v1/tenant/settings" -> settings.put(tenant, event);
            default -> error(404, "route_unknown", "no such route: " + route);
        };
    }

    /** {@code DELETE /v1/tenant?graceDays=30}: offboards the tenant; its data is purged after the grace period. */
    private APIGatewayV2HTTPResponse offboard(TenantId tenant, APIGatewayV2HTTPEvent event) {
        long days;
        try {
            days = Long.parseLong(query(event, "graceDays").orElse(Long.toString(OffboardTenant.DEFAULT_GRACE.toDays())));
            var o = offboard.start(tenant, java.time.Duration.ofDays(days), HttpResponses.claim(event, "sub").orElse(null));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tenant", tenant.value());
            out.put("offboardedAt", o.at().toString());
            out.put("purgeAfter", o.purgeAfter().toString());
            out.put("purgedAt", o.purgedAt() == null ? null : o.purgedAt().toString());
            return json(200, out);
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_graceDays", "graceDays must be a whole number of days from 0 to " + OffboardTenant.MAX_GRACE.toDays());
        }
    }

    private APIGatewayV2HTTPResponse start(TenantId tenant, APIGatewayV2HTTPEvent event) {
        ConnectChannel.Started s = connect.start(tenant);
        Map<String, Object> out = session(s.state());
        out.put("sessionId", s.sessionId());
        out.put("expiresAt", s.expiresAt().toString());
        out.put("mode", connect.mode().name().toLowerCase());
        String host = event.getRequestContext() == null ? null : event.getRequestContext().getDomainName();
        String path = "/v1/signup/page?session=" + s.state();
        String scheme = HttpResponses.header(event, "x-forwarded-proto").orElse("https");
        out.put("pageUrl", host == null ? path : scheme + "://" + host + path);
        return json(201, out);
    }

    private Map<String, Object> session(String state) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", state);
        out.put("appId", frontEnd.appId());
        out.put("configId", frontEnd.configId());
        out.put("graphVersion", frontEnd.graphVersion());
        out.put("sdkUrl", frontEnd.sdkUrl());
        out.put("messageOrigins", frontEnd.messageOrigins());
        return out;
    }

    /** The hosted setup page for a session: the snippet, inlined, with the session's front-end settings. */
    private APIGatewayV2HTTPResponse page(APIGatewayV2HTTPEvent event) {
        String state = query(event, "session").orElse(null);
        try {
            connect.check(state);
        } catch (SignupRejected e) {
            return HttpResponses.body(e.status(), "text/html; charset=utf-8", "<!doctype html><meta charset=utf-8><title>Setup link</title>"
                    + "<p>This setup link cannot be used: " + e.getMessage().replace("<", "&lt;") + ".</p>");
        }
        try {
            // JSON in a script element: "<" escaped so nothing in it can close the element.
            String config = JSON.writeValueAsString(session(state)).replace("<", "\\u003c");
            String html = pageHtml.replace("/*EMBED*/", embedJs.replace("</", "<\\/")).replace("/*SESSION*/", config);
            APIGatewayV2HTTPResponse response = HttpResponses.body(200, "text/html; charset=utf-8", html);
            response.getHeaders().put("cache-control", "no-store");
            response.getHeaders().put("referrer-policy", "no-referrer");
            return response;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private APIGatewayV2HTTPResponse complete(TenantId caller, APIGatewayV2HTTPEvent event) {
        JsonNode b = body(event);
        ConnectChannel.Result r = connect.complete(caller, new ConnectChannel.Completion(text(b, "state"), text(b, "event"), text(b, "code"),
                text(b, "waba_id"), text(b, "phone_number_id"), text(b, "business_id"), text(b, "current_step"), text(b, "error_message"),
                text(b, "error_code")));
        log.info("signup completed: {}", r.outcome());
        return json(200, result(r.outcome(), r.channel(), r.detail()));
    }

    private APIGatewayV2HTTPResponse list(TenantId tenant, APIGatewayV2HTTPEvent event) {
        int limit;
        try {
            limit = Integer.parseInt(query(event, "limit").orElse("50"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "limit_invalid", "limit must be a number from 1 to 100");
        }
        Channels.Page page;
        try {
            page = channels.list(tenant, limit, query(event, "cursor").orElse(null));
        } catch (IllegalArgumentException | software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
            return error(400, "cursor_invalid", "cursor must be a nextCursor this API returned");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", page.items().stream().map(SignupHttpHandler::view).toList());
        out.put("nextCursor", page.nextCursor());
        return json(200, out);
    }

    private static Map<String, Object> result(String outcome, Channel channel, String detail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", outcome);
        if (channel != null) {
            out.put("channel", view(channel));
            if (detail == null && channel.status() == Channel.Status.ONBOARDING_INCOMPLETE) {
                detail = channel.steps().stream().filter(s -> s.status().equals("failed"))
                        .map(s -> s.name() + " failed" + (s.errorCode() == null ? "" : " (Meta error " + s.errorCode() + ")"))
                        .collect(Collectors.joining("; "));
            }
        }
        if (detail != null && !detail.isEmpty()) {
            out.put("detail", detail);
        }
        return out;
    }

    /** A channel as the API shows it: never the token or PIN. */
    static Map<String, Object> view(Channel ch) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phoneNumberId", ch.phoneNumberId());
        out.put("wabaId", ch.wabaId());
        put(out, "businessId", ch.businessId());
        put(out, "displayPhoneNumber", ch.displayPhoneNumber());
        put(out, "verifiedName", ch.verifiedName());
        put(out, "qualityRating", ch.qualityRating());
        put(out, "messagingLimit", ch.messagingLimit());
        put(out, "throughput", ch.throughput());
        out.put("status", ch.status().wireName());
        put(out, "statusReason", ch.statusReason());
        put(out, "statusUntil", ch.statusUntil() == null ? null : ch.statusUntil().toString());
        out.put("tokenExpiresAt", ch.tokenExpiresAt() == null ? "never" : ch.tokenExpiresAt().toString());
        out.put("coexistence", ch.coexistence());
        Channel.Health h = ch.health();
        if (h.checkedAt() != null || h.nameStatus() != null) {
            Map<String, Object> health = new LinkedHashMap<>();
            put(health, "tokenValid", h.tokenValid());
            health.put("tokenScopes", h.tokenScopes());
            put(health, "nameStatus", h.nameStatus());
            put(health, "numberStatus", h.numberStatus());
            put(health, "checkedAt", h.checkedAt() == null ? null : h.checkedAt().toString());
            out.put("health", health);
        }
        put(out, "connectedAt", ch.connectedAt() == null ? null : ch.connectedAt().toString());
        put(out, "updatedAt", ch.updatedAt() == null ? null : ch.updatedAt().toString());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (OnboardingStep s : ch.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("status", s.status());
            step.put("attempts", s.attempts());
            put(step, "errorCode", s.errorCode());
            put(step, "error", s.error());
            put(step, "at", s.at() == null ? null : s.at().toString());
            put(step, "retryAfter", s.retryAfter() == null ? null : s.retryAfter().toString());
            steps.add(step);
        }
        out.put("onboarding", Map.of("steps", steps));
        return out;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    private static String requireNumber(String pn) {
        if (pn == null || !pn.matches("[0-9]{1,32}")) {
            throw new SignupRejected(400, "channel_invalid", "phoneNumberId must be Meta's numeric phone number id");
        }
        return pn;
    }

    private static JsonNode body(APIGatewayV2HTTPEvent event) {
        byte[] raw = HttpResponses.rawBody(event);
        if (raw.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new SignupRejected(400, "body_invalid", "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new SignupRejected(400, "body_invalid", "the body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new SignupRejected(400, field + "_invalid", field + " must be a string");
        }
        return v.asText();
    }

    private static String resource(String name) {
        try (InputStream in = SignupHttpHandler.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
