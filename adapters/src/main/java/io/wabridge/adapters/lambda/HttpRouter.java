package io.wabridge.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.core.Refusal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP function's routes: method and path template ({@code /v1/channels/{phoneNumberId}}) to a controller method.
 * JWT routes run behind the {@link TenantGate} with the token's tenant; open routes carry their own credential (a
 * signed link). A route API Gateway matched comes by its route key; otherwise the path is matched here. No route for
 * the path is 404 {@code route_unknown}, a path without the method is 405 {@code method_not_allowed} with
 * {@code Allow}; a core {@link Refusal} becomes its status and error body ({@link HttpRefusals}).
 */
public final class HttpRouter {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** A controller method. */
    public interface Action {
        APIGatewayV2HTTPResponse handle(HttpRequest request);
    }

    private record Route(String method, String template, List<String> segments, boolean open, Action action) {
        String key() {
            return method + " " + template;
        }
    }

    private final TenantGate gate;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Route> byKey = new HashMap<>();

    public HttpRouter(TenantGate gate) {
        this.gate = gate;
    }

    /** A route behind the JWT authorizer: the tenant comes from the verified token. */
    public HttpRouter jwt(String method, String template, Action action) {
        return add(new Route(method, template, segments(template), false, action));
    }

    /** An open route (no JWT): its credential is in the request itself. */
    public HttpRouter open(String method, String template, Action action) {
        return add(new Route(method, template, segments(template), true, action));
    }

    private HttpRouter add(Route route) {
        if (byKey.putIfAbsent(route.key(), route) != null) {
            throw new IllegalArgumentException("route defined twice: " + route.key());
        }
        routes.add(route);
        return this;
    }

    public APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        String routeKey = event.getRouteKey();
        Route route = byKey.get(routeKey);
        if (route == null && (routeKey == null || routeKey.equals("$default"))) {
            route = matchPath(event);
        }
        if (route == null) {
            return gate.handle(event, tenant -> unrouted(event, routeKey));
        }
        Route found = route;
        return found.open() ? run(found, new HttpRequest(event, null, params(event)))
                : gate.handle(event, tenant -> run(found, new HttpRequest(event, tenant, params(event))));
    }

    /** No route key from the gateway (a catch-all route): the route whose method and template match the path. */
    private Route matchPath(APIGatewayV2HTTPEvent event) {
        String method = event.getRequestContext() == null || event.getRequestContext().getHttp() == null ? null
                : event.getRequestContext().getHttp().getMethod();
        for (Route r : routes) {
            Map<String, String> matched = event.getRawPath() == null || !r.method().equals(method) ? null : match(r.segments(), event.getRawPath());
            if (matched != null) {
                event.setPathParameters(matched); // as API Gateway would have, for controllers that read the event
                return r;
            }
        }
        return null;
    }

    private static Map<String, String> params(APIGatewayV2HTTPEvent event) {
        return event.getPathParameters() == null ? Map.of() : event.getPathParameters();
    }

    private APIGatewayV2HTTPResponse run(Route route, HttpRequest request) {
        try {
            return route.action().handle(request);
        } catch (Refusal e) {
            log.info("{}: refused {} ({})", route.key(), e.code(), e.kind());
            return HttpRefusals.response(e);
        }
    }

    /** 405 with {@code Allow} when other methods have the path (the route key's template, or else the raw path), else 404. */
    private APIGatewayV2HTTPResponse unrouted(APIGatewayV2HTTPEvent event, String routeKey) {
        boolean keyed = routeKey != null && routeKey.contains(" ");
        String method = keyed ? routeKey.split(" ", 2)[0] : event.getRequestContext() == null ? "" : event.getRequestContext().getHttp().getMethod();
        String path = keyed ? routeKey.split(" ", 2)[1] : event.getRawPath();
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            if (path != null && (keyed ? r.template().equals(path) : match(r.segments(), path) != null)) {
                allowed.add(r.method());
            }
        }
        if (!allowed.isEmpty()) {
            return HttpResponses.withHeader(HttpResponses.error(405, "method_not_allowed", method + " is not allowed on " + path
                    + "; allowed: " + String.join(", ", allowed)), "allow", String.join(", ", allowed));
        }
        return HttpResponses.error(404, "route_unknown", "no such route: " + routeKey);
    }

    private static List<String> segments(String template) {
        return List.of(template.substring(1).split("/", -1));
    }

    /** The path's parameters if it matches the template's segments, else null. */
    private static Map<String, String> match(List<String> template, String path) {
        String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : path.split("/", -1);
        if (parts.length != template.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
