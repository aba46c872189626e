package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpRefusals;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.Refusal;
import io.wabridge.core.channel.ConnectChannel;
import io.wabridge.core.channel.SignupRejected;
import io.wabridge.core.inbound.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded Signup: a session for the dashboard (JWT), its completion, and the hosted setup page with its snippet,
 * whose open routes' credential is the signed, single-use signup state.
 */
final class SignupController {

    private static final Logger log = LoggerFactory.getLogger(SignupController.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the front end needs besides the state: the app, the login configuration, the SDK and who may post the events. */
    record FrontEnd(String appId, String configId, String graphVersion, String sdkUrl, List<String> messageOrigins) {}

    /** The front end's settings for one signup state (the setup page inlines it; a new session returns it). */
    record Session(String state, String appId, String configId, String graphVersion, String sdkUrl, List<String> messageOrigins) {}

    /** {@code POST /v1/signup/sessions}: the session, its id and expiry, the signup mode and the hosted page's URL. */
    record Started(String state, String appId, String configId, String graphVersion, String sdkUrl, List<String> messageOrigins,
                   String sessionId, String expiresAt, String mode, String pageUrl) {}

    private final ConnectChannel connect;
    private final FrontEnd frontEnd;
    private final String embedJs = resource("signup/embed.js");
    private final String pageHtml = resource("signup/page.html");

    SignupController(ConnectChannel connect, FrontEnd frontEnd) {
        this.connect = connect;
        this.frontEnd = frontEnd;
    }

    /** {@code GET /v1/signup/embed.js}: the snippet a dashboard embeds. */
    APIGatewayV2HTTPResponse embedJs(HttpRequest r) {
        return HttpResponses.body(200, "application/javascript; charset=utf-8", embedJs);
    }

    /** {@code POST /v1/signup/sessions}. */
    APIGatewayV2HTTPResponse start(HttpRequest r) {
        ConnectChannel.Started s = connect.start(r.tenant());
        String host = r.event().getRequestContext() == null ? null : r.event().getRequestContext().getDomainName();
        String path = "/v1/signup/page?session=" + s.state();
        String scheme = r.header("x-forwarded-proto").orElse("https");
        return json(201, new Started(s.state(), frontEnd.appId(), frontEnd.configId(), frontEnd.graphVersion(), frontEnd.sdkUrl(),
                frontEnd.messageOrigins(), s.sessionId(), s.expiresAt().toString(), connect.mode().name().toLowerCase(),
                host == null ? path : scheme + "://" + host + path));
    }

    /** {@code GET /v1/signup/page?session=}: the hosted setup page, the snippet inlined with the session's settings. */
    APIGatewayV2HTTPResponse page(HttpRequest r) {
        String state = r.query("session").orElse(null);
        try {
            connect.check(state);
        } catch (SignupRejected e) {
            return HttpResponses.body(HttpRefusals.status(e.kind()), "text/html; charset=utf-8",
                    "<!doctype html><meta charset=utf-8><title>Setup link</title>"
                    + "<p>This setup link cannot be used: " + e.getMessage().replace("<", "&lt;") + ".</p>");
        }
        try {
            // JSON in a script element: "<" escaped so nothing in it can close the element.
            String config = JSON.writeValueAsString(new Session(state, frontEnd.appId(), frontEnd.configId(), frontEnd.graphVersion(),
                    frontEnd.sdkUrl(), frontEnd.messageOrigins())).replace("<", "\\u003c");
            String html = pageHtml.replace("/*EMBED*/", embedJs.replace("</", "<\\/")).replace("/*SESSION*/", config);
            APIGatewayV2HTTPResponse response = HttpResponses.body(200, "text/html; charset=utf-8", html);
            response.getHeaders().put("cache-control", "no-store");
            response.getHeaders().put("referrer-policy", "no-referrer");
            return response;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code POST /v1/signup/complete} (JWT: the caller's tenant must be the session's) and {@code POST /v1/signup/page/complete}
     * (open: the signed state is the credential): {@code {state, event?, code, waba_id, phone_number_id, business_id, ...}}.
     */
    APIGatewayV2HTTPResponse complete(HttpRequest r) {
        JsonNode b = body(r);
        TenantId caller = r.tenant();
        ConnectChannel.Result result = connect.complete(caller, new ConnectChannel.Completion(text(b, "state"), text(b, "event"),
                text(b, "code"), text(b, "waba_id"), text(b, "phone_number_id"), text(b, "business_id"), text(b, "current_step"),
                text(b, "error_message"), text(b, "error_code")));
        log.info("signup completed: {}", result.outcome());
        return json(200, ChannelView.Result.of(result.outcome(), result.channel(), result.detail()));
    }

    /** The body as a JSON object (empty: {@code {}}); 400 {@code body_invalid} otherwise. */
    static JsonNode body(HttpRequest r) {
        byte[] raw = r.body();
        if (raw.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new SignupRejected(Refusal.Kind.INVALID, "body_invalid", "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new SignupRejected(Refusal.Kind.INVALID, "body_invalid", "the body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new SignupRejected(Refusal.Kind.INVALID, field + "_invalid", field + " must be a string");
        }
        return v.asText();
    }

    static String resource(String name) {
        try (InputStream in = SignupController.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
