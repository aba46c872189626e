package io.wabridge.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wabridge.local.lambda.LocalFunction;
import io.wabridge.local.lambda.LocalTrace;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API in front of the functions: routes come from the template's {@code HttpApi} events, each
 * request becomes an {@link APIGatewayV2HTTPEvent} (payload format 2.0) as API Gateway builds it, and
 * the function's {@link APIGatewayV2HTTPResponse} is written back. Errors the gateway itself raises use
 * API Gateway's statuses and {@code {"message": ...}} bodies.
 */
public final class HttpGateway implements AutoCloseable {

    /** Lambda's synchronous invocation payload limit. */
    public static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    /** HTTP API's quota on the request line and header values together (not adjustable). */
    public static final int MAX_HEADER_BYTES = 10_240;

    private static final Logger log = LoggerFactory.getLogger(HttpGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    /** A template route: {@code method} may be {@code ANY}; {@code path} may hold {@code {name}} and {@code {name+}}. */
    public record Route(String method, String path, LocalFunction function, JwtAuthorizer authorizer) {
        String routeKey() {
            return method + " " + path;
        }
    }

    /** A plain answer for the runtime's own endpoints (identity provider, OpenAPI, admin). */
    public record LocalResponse(int status, String contentType, byte[] body) {
        public static LocalResponse json(int status, Object value) {
            try {
                return new LocalResponse(status, "application/json", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A request to one of the runtime's own endpoints. */
    public record LocalRequest(String method, String path, Map<String, String> query, byte[] body) {}

    private record CompiledRoute(Route route, Pattern pattern, List<String> params, int rank) {}

    private record LocalEndpoint(String method, String prefix, Function<LocalRequest, LocalResponse> handler) {}

    private final HttpServer server;
    private final List<CompiledRoute> routes = new ArrayList<>();
    private final List<LocalEndpoint> localEndpoints = new ArrayList<>();

    /** A gateway on the loopback interface only. */
    public HttpGateway(int port) throws IOException {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /** A gateway on {@code address} (loopback unless the user asked for another). */
    public HttpGateway(InetAddress address, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(address, port), 256);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address it listens on. */
    public InetAddress address() {
        return server.getAddress().getAddress();
    }

    public void addRoute(Route route) {
        List<String> params = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}+]+)(\\+?)}").matcher(route.path());
        StringBuilder regex = new StringBuilder();
        int last = 0;
        boolean greedy = false;
        while (m.find()) {
            regex.append(Pattern.quote(route.path().substring(last, m.start())));
            params.add(m.group(1));
            greedy |= !m.group(2).isEmpty();
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            last = m.end();
        }
        regex.append(Pattern.quote(route.path().substring(last)));
        // Most specific first, as API Gateway matches: literal paths, then parameters, then greedy; ANY last.
        int rank = (greedy ? 1000 : 0) + params.size() * 10 + ("ANY".equals(route.method()) ? 1 : 0);
        routes.add(new CompiledRoute(route, Pattern.compile(regex.toString()), params, rank));
        routes.sort(Comparator.comparingInt(CompiledRoute::rank));
    }

    /** Serves one of the runtime's own endpoints for every path starting with {@code prefix}. */
    public void addLocalEndpoint(String method, String prefix, Function<LocalRequest, LocalResponse> handler) {
        localEndpoints.add(new LocalEndpoint(method, prefix, handler));
    }

    public List<Route> routes() {
        return routes.stream().map(CompiledRoute::route).toList();
    }

    public void start() {
        server.start();
    }

    /** An HTTP API's {@code CorsConfiguration}: the gateway answers preflights and adds the allow headers, as API Gateway does. */
    public record Cors(List<String> allowOrigins, List<String> allowHeaders, List<String> allowMethods, int maxAge) {}

    private volatile Cors cors;

    public void cors(Cors configuration) {
        this.cors = configuration;
    }

    /** The CORS response headers for this request's Origin, empty when it is not allowed (or CORS is off). */
    private Map<String, String> corsHeaders(HttpExchange exchange) {
        Cors c = cors;
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (c == null || origin == null || !(c.allowOrigins().contains("*") || c.allowOrigins().contains(origin))) {
            return Map.of();
        }
        return Map.of("access-control-allow-origin", c.allowOrigins().contains("*") ? "*" : origin, "vary", "origin");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            String rawQuery = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            if (headerBytes(exchange) > MAX_HEADER_BYTES) {
                exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
                send(exchange, 431, Map.of("content-type", "application/json"), bytes("{\"message\":\"Request Header Fields Too Large\"}"));
                return;
            }
            byte[] body = readBody(exchange);
            Map<String, String> corsHeaders = corsHeaders(exchange);
            exchange.setAttribute(CORS_ATTRIBUTE, corsHeaders);
            if (method.equals("OPTIONS") && cors != null && exchange.getRequestHeaders().containsKey("Access-Control-Request-Method")
                    && match(method, path).isEmpty()) {
                Map<String, String> preflight = new LinkedHashMap<>(corsHeaders);
                if (!corsHeaders.isEmpty()) {
                    preflight.put("access-control-allow-methods", String.join(",", cors.allowMethods()));
                    preflight.put("access-control-allow-headers", String.join(",", cors.allowHeaders()));
                    preflight.put("access-control-max-age", Integer.toString(cors.maxAge()));
                }
                send(exchange, 204, preflight, new byte[0]);
                return;
            }
            if (body == null) {
                send(exchange, 413, Map.of("content-type", "application/json"), bytes("{\"message\":\"Request Entity Too Large\"}"));
                return;
            }
            for (LocalEndpoint endpoint : localEndpoints) {
                if (endpoint.method().equals(method) && path.startsWith(endpoint.prefix())) {
                    LocalResponse r = endpoint.handler().apply(new LocalRequest(method, path, parseQuery(rawQuery), body));
                    send(exchange, r.status(), Map.of("content-type", r.contentType()), r.body());
                    return;
                }
            }
            Optional<Map.Entry<CompiledRoute, Map<String, String>>> match = match(method, path);
            if (match.isEmpty()) {
                send(exchange, 404, Map.of("content-type", "application/json"), bytes("{\"message\":\"Not Found\"}"));
                return;
            }
            invoke(exchange, match.get().getKey().route(), match.get().getValue(), method, path, rawQuery, body);
        } catch (RuntimeException e) {
            log.error("gateway failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
            send(exchange, 500, Map.of("content-type", "application/json"), bytes("{\"message\":\"Internal Server Error\"}"));
        }
    }

    private void invoke(HttpExchange exchange, Route route, Map<String, String> pathParams, String method, String path,
                        String rawQuery, byte[] body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        // As API Gateway adds them (over plain HTTP here).
        headers.put("x-forwarded-proto", "http");
        headers.put("x-forwarded-port", Integer.toString(exchange.getLocalAddress().getPort()));
        headers.put("x-forwarded-for", exchange.getRemoteAddress().getAddress().getHostAddress());
        List<String> cookies = null;
        String cookieHeader = headers.remove("cookie");
        if (cookieHeader != null) {
            cookies = new ArrayList<>();
            for (String c : cookieHeader.split(";")) {
                cookies.add(c.trim());
            }
        }
        RequestContext.Authorizer authorizer = null;
        if (route.authorizer() != null) {
            try {
                JwtAuthorizer.Verified verified = route.authorizer().verify(headers.get("authorization"));
                authorizer = RequestContext.Authorizer.builder().withJwt(RequestContext.Authorizer.JWT.builder()
                        .withClaims(verified.claims()).withScopes(verified.scopes().isEmpty() ? null : verified.scopes())
                        .build()).build();
            } catch (JwtAuthorizer.Rejected e) {
                Map<String, String> h = Map.of("content-type", "application/json", "www-authenticate",
                        "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + e.getMessage() + "\"");
                send(exchange, 401, h, bytes("{\"message\":\"Unauthorized\"}"));
                return;
            }
        }
        // A text body goes as a string only when it is valid UTF-8; otherwise its raw bytes go base64-encoded (as for a
        // binary media type), so a signature over the bytes still checks.
        boolean text = isText(headers.get("content-type")) && isUtf8(body);
        String requestId = UUID.randomUUID().toString();
        ZonedDateTime now = ZonedDateTime.now();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(path)
                .withRawQueryString(rawQuery)
                .withCookies(cookies)
                .withHeaders(headers)
                .withQueryStringParameters(rawQuery.isEmpty() ? null : parseQuery(rawQuery))
                .withPathParameters(pathParams.isEmpty() ? null : pathParams)
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(RequestContext.builder()
                        .withAccountId("000000000000").withApiId("local").withStage("$default")
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1")).withDomainPrefix("local")
                        .withRequestId(requestId).withRouteKey(route.routeKey())
                        .withTime(TIME.format(now)).withTimeEpoch(now.toInstant().toEpochMilli())
                        .withHttp(RequestContext.Http.builder().withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent")).build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
        Object result;
        try {
            // Tracing: Active; a request that comes with an X-Ray header continues its trace.
            result = route.function().invoke(event, LocalTrace.continuing(headers.get("x-amzn-trace-id")));
        } catch (LocalFunction.InvocationFailed e) {
            boolean timeout = e.getMessage() != null && e.getMessage().startsWith("Task timed out");
            send(exchange, timeout ? 503 : 500, Map.of("content-type", "application/json"),
                    bytes(timeout ? "{\"message\":\"Service Unavailable\"}" : "{\"message\":\"Internal Server Error\"}"));
            return;
        }
        if (!(result instanceof APIGatewayV2HTTPResponse response)) {
            send(exchange, 500, Map.of("content-type", "application/json"), bytes("{\"message\":\"Internal Server Error\"}"));
            return;
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (response.getHeaders() != null) {
            out.putAll(response.getHeaders());
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((k, v) -> out.put(k, String.join(",", v)));
        }
        byte[] responseBody = response.getBody() == null ? new byte[0] : response.getIsBase64Encoded()
                ? Base64.getDecoder().decode(response.getBody()) : bytes(response.getBody());
        if (response.getCookies() != null) {
            response.getCookies().forEach(c -> exchange.getResponseHeaders().add("Set-Cookie", c));
        }
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        send(exchange, response.getStatusCode() == 0 ? 200 : response.getStatusCode(), out, responseBody);
    }

    private Optional<Map.Entry<CompiledRoute, Map<String, String>>> match(String method, String path) {
        for (CompiledRoute r : routes) {
            if (!r.route().method().equals(method) && !r.route().method().equals("ANY")) {
                continue;
            }
            Matcher m = r.pattern().matcher(path);
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < r.params().size(); i++) {
                    params.put(r.params().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
                }
                return Optional.of(Map.entry(r, params));
            }
        }
        return Optional.empty();
    }

    /** Reads the body, or returns null when it is over Lambda's payload limit. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return null;
            }
            return body;
        }
    }

    /** The request line and header values as API Gateway counts them against {@link #MAX_HEADER_BYTES}. */
    private static long headerBytes(HttpExchange exchange) {
        long size = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().toString().length() + 1 + exchange.getProtocol().length();
        for (List<String> values : exchange.getRequestHeaders().values()) {
            for (String v : values) {
                size += v.length();
            }
        }
        return size;
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(name, value, (a, b) -> a + "," + b);
        }
        return out;
    }

    /** API Gateway passes these content types as text and base64-encodes every other body. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded") || type.equals("application/x-yaml");
    }

    private static final String CORS_ATTRIBUTE = "wabridge.cors";

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (exchange.getAttribute(CORS_ATTRIBUTE) instanceof Map<?, ?> cors) {
            cors.forEach((k, v) -> exchange.getResponseHeaders().set(k.toString(), v.toString()));
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
