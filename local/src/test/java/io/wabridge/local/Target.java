package io.wabridge.local;

import io.wabridge.core.webhook.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What an end-to-end scenario drives: the local runtime (the default), or a deployed stack
 * ({@code -Dwabridge.target=aws}) named by its URL, with the tokens its JWT issuer gives. A scenario written against
 * this interface only runs on both without a change; one that needs the local parts (the Meta sandbox playing Meta,
 * the local tables and queues) asks for the {@link LocalRuntime} and is skipped, saying so, against a stack.
 */
public sealed interface Target permits Target.Local, Target.Aws {

    /** The selecting setting: {@code local} (default) or {@code aws}. */
    String TARGET = "wabridge.target";
    /** The stack's {@code ApiUrl} output. */
    String AWS_API_URL = "wabridge.aws.apiUrl";
    /** JWTs the stack's authorizer accepts, per tenant: {@code acme=<jwt>,globex=<jwt>}. */
    String AWS_TOKENS = "wabridge.aws.tokens";
    /** A command printing a JWT for a tenant, {@code {tenant}} replaced by its id (when tokens are minted on demand). */
    String AWS_TOKEN_COMMAND = "wabridge.aws.tokenCommand";
    /** The Meta app secret, to sign simulated webhooks as Meta does (optional: without it, no webhook can be simulated). */
    String AWS_META_APP_SECRET = "wabridge.aws.metaAppSecret";

    String name();

    /** The gateway (locally) or the HTTP API (deployed). */
    URI baseUrl();

    /** {@code Bearer <jwt>} for a caller of {@code tenant}. */
    String bearer(String tenant);

    /** The app secret Meta signs webhooks with, to play Meta's side by posting signed webhooks. */
    String metaAppSecret();

    /** The local runtime behind this target; empty against a deployed stack. */
    Optional<LocalRuntime> runtime();

    /** {@code body} POSTed to {@code /webhook}, signed with {@code X-Hub-Signature-256} over these bytes, as Meta delivers. */
    default HttpResponse<String> deliverWebhook(byte[] body) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json")
                .header("x-hub-signature-256", WebhookSignature.withSecret(metaAppSecret()).sign(body)));
    }

    /** {@code method path} with a JSON body (or none) as {@code tenant} (or anonymous when null). */
    default HttpResponse<String> call(String method, String path, String tenant, String jsonBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("content-type", "application/json");
        if (tenant != null) {
            b.header("authorization", bearer(tenant));
        }
        return Http.send(b);
    }

    /** The local runtime: tokens minted by its own identity provider, Meta played by its sandbox. */
    record Local(LocalRuntime local) implements Target {
        public String name() {
            return "local";
        }

        public URI baseUrl() {
            return local.baseUrl();
        }

        public String bearer(String tenant) {
            return "Bearer " + local.token(tenant, Duration.ofMinutes(10));
        }

        public String metaAppSecret() {
            return local.metaAppSecret();
        }

        public Optional<LocalRuntime> runtime() {
            return Optional.of(local);
        }
    }

    /**
     * A deployed stack: its URL, and a token per tenant given as a setting or printed by a command. Meta can be played
     * only by signed webhooks (with the app secret); nothing else of Meta's side is simulated there.
     */
    record Aws(URI baseUrl, UnaryOperator<String> settings) implements Target {
        public String name() {
            return "aws";
        }

        public String bearer(String tenant) {
            String tokens = Optional.ofNullable(settings.apply(AWS_TOKENS)).orElse("");
            for (String pair : tokens.split(",")) {
                if (pair.trim().startsWith(tenant + "=")) {
                    return "Bearer " + pair.trim().substring(tenant.length() + 1);
                }
            }
            String command = settings.apply(AWS_TOKEN_COMMAND);
            if (command == null) {
                throw new IllegalStateException("no token for tenant " + tenant + ": add " + tenant + "=<jwt> to -D" + AWS_TOKENS
                        + " or set -D" + AWS_TOKEN_COMMAND + "='<command printing a jwt for {tenant}>'");
            }
            return "Bearer " + run(command.replace("{tenant}", tenant));
        }

        public String metaAppSecret() {
            String secret = settings.apply(AWS_META_APP_SECRET);
            if (secret == null) {
                throw new IllegalStateException("simulating Meta's webhooks against the stack needs -D" + AWS_META_APP_SECRET
                        + "=<the app secret in the stack's MetaAppSecretArn>");
            }
            return secret;
        }

        public Optional<LocalRuntime> runtime() {
            return Optional.empty();
        }

        private static String run(String command) {
            try {
                Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                    throw new IllegalStateException(AWS_TOKEN_COMMAND + " printed no token (exit " + p.exitValue() + ")");
                }
                return out;
            } catch (IOException e) {
                throw new IllegalStateException(AWS_TOKEN_COMMAND + " could not run: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(AWS_TOKEN_COMMAND + " interrupted", e);
            }
        }
    }

    /** Which target the settings select; {@code local} unless {@code wabridge.target} says otherwise. */
    static String selected(UnaryOperator<String> settings) {
        String name = Optional.ofNullable(settings.apply(TARGET)).map(String::trim).filter(s -> !s.isEmpty()).orElse("local");
        if (!name.equals("local") && !name.equals("aws")) {
            throw new IllegalStateException(TARGET + "=" + name + " is not a target: use local (the default) or aws");
        }
        return name;
    }

    /** The deployed stack the settings describe; fails naming every setting that is missing or wrong. */
    static Aws aws(UnaryOperator<String> settings) {
        List<String> problems = new ArrayList<>();
        String url = settings.apply(AWS_API_URL);
        URI baseUrl = null;
        if (url == null || url.isBlank()) {
            problems.add("-D" + AWS_API_URL + "=<the stack's ApiUrl output> (or " + env(AWS_API_URL) + ")");
        } else {
            baseUrl = URI.create(url.replaceAll("/+$", ""));
            if (!"https".equals(baseUrl.getScheme()) && !"http".equals(baseUrl.getScheme())) {
                problems.add(AWS_API_URL + " must be an http(s) URL, not " + url);
            }
        }
        if (settings.apply(AWS_TOKEN_COMMAND) == null && settings.apply(AWS_TOKENS) == null) {
            problems.add("tokens: -D" + AWS_TOKENS + "=<tenant>=<jwt>,... for the tenants the scenarios use, or -D" + AWS_TOKEN_COMMAND
                    + "='<command printing a jwt for {tenant}>' (or " + env(AWS_TOKENS) + " / " + env(AWS_TOKEN_COMMAND) + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(TARGET + "=aws needs " + String.join("; ", problems));
        }
        return new Aws(baseUrl, settings);
    }

    /** A setting from the system properties, else the environment ({@code wabridge.aws.apiUrl} is {@code WABRIDGE_AWS_APIURL}). */
    static String fromSystem(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(env(name));
    }

    /** The environment variable of a setting: upper case, dots as underscores. */
    static String env(String name) {
        return name.replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
