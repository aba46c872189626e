package io.wabridge.functions.signup;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.TenantSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The public opt-in page behind a signed link ({@code GET|POST /optin/{token}}): names the business and
 * what it will send, and records the person's answer (yes: opt-in; no: opt-out) on POST. CSRF-safe: the
 * form carries a random value that must equal a {@code SameSite=Strict} cookie set with the page, so only
 * a form loaded from this page can post. A forged, expired or used link gets a page that says so and
 * records nothing. Plain HTML, no script: works in any phone browser.
 */
final class OptInPage {

    private static final String COOKIE = "wb_optin";

    private final OptInLinks links;
    private final Function<TenantId, TenantSettings> settings;
    private final String template;

    OptInPage(OptInLinks links, Function<TenantId, TenantSettings> settings, String template) {
        this.links = links;
        this.settings = settings;
        this.template = template;
    }

    /** {@code GET|POST /optin/{token}}. */
    APIGatewayV2HTTPResponse handle(io.wabridge.adapters.lambda.HttpRequest request) {
        APIGatewayV2HTTPEvent event = request.event();
        String token = request.path("token");
        OptInLinks.Link link;
        try {
            link = links.open(token);
        } catch (OptInLinks.Refused e) {
            return page(e.reason().equals("invalid") ? 404 : 410, "This link cannot be used",
                    "<h1>This link cannot be used</h1><p>" + esc(e.getMessage()) + " Nothing was recorded. If you want messages, ask the sender for a new link.</p>",
                    null);
        }
        TenantSettings s = settings.apply(link.tenant());
        String name = s.displayName() == null || s.displayName().isBlank() ? "this business" : s.displayName();
        if (event.getRequestContext().getHttp().getMethod().equals("POST")) {
            return answer(event, token, link, name);
        }
        String csrf = HexFormat.of().formatHex(random());
        String intent = s.optInIntent() == null || s.optInIntent().isBlank()
                ? (link.scope() == ConsentEvent.Scope.MARKETING ? "offers and news" : "updates and reminders about your account")
                : s.optInIntent();
        String body = "<h1>Messages on WhatsApp from " + esc(name) + "</h1>"
                + "<p>" + esc(name) + " would like to send you WhatsApp messages:</p>"
                + "<p class=intent>" + esc(intent) + "</p>"
                + "<p>You can stop at any time by replying STOP.</p>"
                + "<form method=post><input type=hidden name=csrf value=\"" + csrf + "\">"
                + "<button class=yes name=choice value=yes type=submit>Yes, send me WhatsApp messages</button>"
                + "<button class=no name=choice value=no type=submit>No, do not message me</button></form>";
        return page(200, name, body, COOKIE + "=" + csrf + "; Path=/optin; HttpOnly; SameSite=Strict; Max-Age=3600"
                + (secure(event) ? "; Secure" : ""));
    }

    private APIGatewayV2HTTPResponse answer(APIGatewayV2HTTPEvent event, String token, OptInLinks.Link link, String name) {
        Map<String, String> form;
        try {
            form = form(new String(HttpResponses.rawBody(event), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // A malformed %-escape: no form this page wrote.
            return page(400, "Please try again", "<h1>Please try again</h1><p>Open the link again and choose there. Nothing was recorded.</p>", null);
        }
        String cookie = cookie(event.getCookies());
        String field = form.get("csrf");
        // Double submit: both present, not empty (two empty values are equal too), and equal.
        if (cookie == null || field == null || cookie.isEmpty() || field.isEmpty()
                || !java.security.MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8))) {
            return page(403, "Please try again", "<h1>Please try again</h1><p>Open the link again and choose there. Nothing was recorded.</p>", null);
        }
        boolean yes = "yes".equals(form.get("choice"));
        if (!yes && !"no".equals(form.get("choice"))) {
            return page(400, "Please choose", "<h1>Please choose yes or no</h1>", null);
        }
        Map<String, String> proof = new HashMap<>();
        proof.put("ip", event.getRequestContext().getHttp().getSourceIp());
        String agent = event.getRequestContext().getHttp().getUserAgent();
        if (agent != null) {
            proof.put("userAgent", agent.length() > 256 ? agent.substring(0, 256) : agent);
        }
        try {
            links.confirm(token, yes ? ConsentEvent.Action.OPT_IN : ConsentEvent.Action.OPT_OUT, proof);
        } catch (OptInLinks.Refused e) {
            return page(410, "This link cannot be used", "<h1>This link cannot be used</h1><p>" + esc(e.getMessage()) + " Nothing was recorded.</p>", null);
        }
        return page(200, name, yes
                ? "<h1>Thank you</h1><p class=done>You will receive WhatsApp messages from " + esc(name) + ". Reply STOP at any time to stop.</p>"
                : "<h1>Done</h1><p class=done>" + esc(name) + " will not send you WhatsApp messages.</p>", null);
    }

    private APIGatewayV2HTTPResponse page(int status, String title, String body, String setCookie) {
        APIGatewayV2HTTPResponse r = HttpResponses.body(status, "text/html; charset=utf-8",
                template.replace("{{NAME}}", esc(title)).replace("{{BODY}}", body));
        r.getHeaders().put("cache-control", "no-store");
        r.getHeaders().put("referrer-policy", "no-referrer");
        r.getHeaders().put("x-frame-options", "DENY");
        r.getHeaders().put("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        if (setCookie != null) {
            r.setCookies(List.of(setCookie));
        }
        return r;
    }

    private static boolean secure(APIGatewayV2HTTPEvent event) {
        return !"http".equals(HttpResponses.header(event, "x-forwarded-proto").orElse("https"));
    }

    private static byte[] random() {
        byte[] b = new byte[16];
        io.wabridge.core.random.Entropy.secureRandom().nextBytes(b);
        return b;
    }

    private static String cookie(List<String> cookies) {
        for (String c : cookies == null ? List.<String>of() : cookies) {
            for (String part : c.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    /** The form's fields; {@link IllegalArgumentException} on a malformed {@code %}-escape. */
    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
