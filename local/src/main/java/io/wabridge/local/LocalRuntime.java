package io.wabridge.local;

import static io.wabridge.local.template.SamTemplate.list;
import static io.wabridge.local.template.SamTemplate.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.DynamoDbRouting;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.messaging.PhoneNumberId;
import io.wabridge.localaws.AwsJsonServer;
import io.wabridge.localaws.DynamoDbThrottle;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.localaws.LocalAwsParts;
import io.wabridge.localaws.LocalEventBridge;
import io.wabridge.localaws.LocalDynamoDb;
import io.wabridge.localaws.LocalSecretsManager;
import io.wabridge.localaws.LocalSqs;
import io.wabridge.localaws.Ports;
import io.wabridge.local.events.LocalScheduler;
import io.wabridge.local.events.SqsEventSource;
import io.wabridge.local.gateway.HttpGateway;
import io.wabridge.local.gateway.JwtAuthorizer;
import io.wabridge.local.gateway.LocalIdentity;
import io.wabridge.local.lambda.LocalFunction;
import io.wabridge.local.template.LocalResources;
import io.wabridge.local.template.SamTemplate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * WaBridge on one machine: the local DynamoDB engine, ElasticMQ and a local Secrets Manager, then the tables,
 * queues, secrets, functions, HTTP routes, SQS pollers and schedules that {@code template.yaml} declares.
 * The handlers are the real ones, with the real AWS SDK clients pointed here by their environment only.
 */
public final class LocalRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String REGION = LocalAwsParts.REGION;
    public static final String ACCOUNT = LocalAwsParts.ACCOUNT;
    public static final String STACK = "wabridge-local";
    public static final String AUDIENCE = "wabridge-local";
    public static final String META_APP_ID = "100000000000001";
    static final String APP_SECRET_NAME = "wabridge-local/meta-app-secret";
    static final String PARTNER_TOKEN_NAME = "wabridge-local/partner-system-user-token";
    /** The Embedded Signup configuration id the sandbox's stand-in SDK expects to be given. */
    static final String SIGNUP_CONFIG_ID = "sandbox-embedded-signup-config";
    static final String EVENTS_SECRET_NAME = "wabridge-local/events-signing-secret";

    /** How to run: {@code port} 0 picks a free one; {@code dataDir} holds everything kept across restarts. */
    /** @param parameters template parameter values that override the local defaults (e.g. {@code SignupMode}) */
    /** @param dynamoThrottle the functions reach DynamoDB through a {@link DynamoDbThrottle} front (off until told) */
    /** @param dynamoInMemory the local DynamoDB keeps its tables in memory, not under {@code dataDir} (lost at stop) */
    /** @param gatewayHost the address the gateway listens on; null for loopback (every other part is loopback only) */
    /** @param metaUrl a Meta sandbox already running there, used instead of starting one; null to start one (see {@link #withMetaUrl}) */
    /** @param queuesInMemory the local SQS keeps its messages in memory, not under {@code dataDir} (see {@link #withQueuesInMemory}) */
    public record Options(int port, Path dataDir, Path template, Path openApi, int sandboxPort, String eventsUrl,
                          Map<String, String> parameters, boolean dynamoThrottle, boolean dynamoInMemory, String gatewayHost, URI metaUrl,
                          boolean queuesInMemory) {
        public Options(int port, Path dataDir, Path template, Path openApi, int sandboxPort, String eventsUrl,
                       Map<String, String> parameters) {
            this(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, false, false, null, null, false);
        }

        /** Free ports for the gateway and the Meta sandbox, no event target (tests). */
        public Options(int port, Path dataDir, Path template, Path openApi) {
            this(port, dataDir, template, openApi, 0, null, Map.of());
        }

        public Options withParameters(Map<String, String> overrides) {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, overrides, dynamoThrottle, dynamoInMemory, gatewayHost, metaUrl, queuesInMemory);
        }

        /** The functions' DynamoDB calls go through a throttling front (the soak benchmark). */
        public Options withDynamoThrottle() {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, true, dynamoInMemory, gatewayHost, metaUrl, queuesInMemory);
        }

        /**
         * The local DynamoDB keeps the tables in memory: the same engine, without its MVStore file's writes. For runs
         * that keep nothing (the soak benchmark).
         */
        public Options withDynamoInMemory() {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, dynamoThrottle, true, gatewayHost, metaUrl, queuesInMemory);
        }

        /** The gateway (only it) listens on {@code host} (e.g. {@code 0.0.0.0}), as {@code ./wabridge local --host} asks. */
        public Options withGatewayHost(String host) {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, dynamoThrottle, dynamoInMemory, host, metaUrl, queuesInMemory);
        }

        /**
         * The local SQS keeps its messages in memory. ElasticMQ keeps persisted messages through one connection pool per
         * JVM, so only one runtime with persistent queues may run in a JVM at a time; a runtime that lives beside others
         * (the tests' shared one) keeps its queues in memory.
         */
        public Options withQueuesInMemory() {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, dynamoThrottle, dynamoInMemory, gatewayHost, metaUrl,
                    true);
        }

        /**
         * Meta is the sandbox already running at {@code url} ({@code ./wabridge local --meta-url}), e.g. in the process of a
         * test that kills and restarts the runtime and must count what reached Meta across the restarts. That sandbox must
         * have been started with the app secret this data folder holds ({@code wabridge-local/meta-app-secret} in
         * {@code secrets.json}); the runtime registers its webhook callback there. Tech Provider mode only (the Solution
         * Partner's token and credit line are the in-process sandbox's).
         */
        public Options withMetaUrl(URI url) {
            return new Options(port, dataDir, template, openApi, sandboxPort, eventsUrl, parameters, dynamoThrottle, dynamoInMemory, gatewayHost, url, queuesInMemory);
        }
    }

    private final Options options;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<SqsEventSource> eventSources = new ArrayList<>();
    private final LocalScheduler scheduler = new LocalScheduler();
    private HttpGateway gateway;
    private HttpGateway admin;
    private LocalDynamoDb dynamoServer;
    private DynamoDbThrottle dynamoThrottle;
    private LocalSqs sqsServer;
    private AwsJsonServer awsJson;
    private LocalSecretsManager secrets;
    private LocalAwsParts aws;
    private LocalIdentity identity;
    private MetaSandbox sandbox;
    private LocalResources resources;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private Map<String, Object> localConfig;
    private long startMillis;

    private LocalRuntime(Options options) {
        this.options = options;
    }

    public static LocalRuntime start(Options options) throws Exception {
        LocalRuntime runtime = new LocalRuntime(options);
        try {
            runtime.boot();
            return runtime;
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        long started = System.nanoTime();
        Path data = options.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        SamTemplate template = SamTemplate.load(options.template());
        java.net.InetAddress host = options.gatewayHost() == null ? java.net.InetAddress.getLoopbackAddress()
                : java.net.InetAddress.getByName(options.gatewayHost());
        gateway = track(options.port() > 0 ? new HttpGateway(host, options.port()) : Ports.withFreePort(p -> new HttpGateway(host, p)));
        // The runtime's own routes (status, schedules, routes, Lambda's Invoke API) are never on the gateway, which people
        // tunnel so that Meta can reach /webhook: they live on a loopback port of their own, named in local.json.
        admin = track(Ports.withFreePort(HttpGateway::new));
        identity = LocalIdentity.loadOrCreate(data.resolve("jwt-signing-key.json"));
        aws = track(LocalAwsParts.start(data, options.dynamoInMemory(), options.queuesInMemory()));
        long partsUp = System.nanoTime();
        dynamoServer = aws.dynamo();
        if (options.dynamoThrottle()) {
            dynamoThrottle = track(DynamoDbThrottle.start(dynamoServer.endpoint()));
        }
        sqsServer = aws.sqs();
        secrets = aws.secrets();
        awsJson = aws.json();
        dynamo = track(DynamoDbClient.builder().endpointOverride(dynamoServer.endpoint()).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build());
        sqs = track(SqsClient.builder().endpointOverride(sqsServer.endpoint()).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build());

        String issuer = baseUrl() + LocalIdentity.PATH;
        String appSecretArn = secrets.ensure(APP_SECRET_NAME, 32);
        secrets.ensure(EVENTS_SECRET_NAME, 32);
        Map<String, String> parameters = new LinkedHashMap<>(Map.of(
                "MetaAppId", META_APP_ID, "MetaAppSecretArn", appSecretArn,
                "JwtIssuer", issuer, "JwtAudience", AUDIENCE, "EmbeddedSignupConfigId", SIGNUP_CONFIG_ID));
        if (options.metaUrl() == null) {
            // The sandbox plays Meta, including the Solution Partner's own business: its system-user token goes in
            // a local secret and its credit line id in the template parameters.
            sandbox = track(MetaSandbox.start(META_APP_ID, secrets.value(APP_SECRET_NAME).orElseThrow(), options.sandboxPort(), Clock.systemUTC()));
            parameters.put("PartnerSystemUserTokenArn", secrets.put(PARTNER_TOKEN_NAME, sandbox.partnerSystemUserToken()));
            parameters.put("PartnerCreditLineId", sandbox.partnerCreditLineId());
        }
        parameters.putAll(options.parameters());
        resources = new LocalResources(template, STACK, REGION, ACCOUNT, parameters);
        resources.create(dynamo, sqs, secrets, aws.kms(), aws.events(), aws.s3());
        if (sqsServer.fresh()) {
            // A new data folder starts with empty queues, whatever ElasticMQ restored into them (see LocalSqs).
            resources.queueUrls().values().forEach(url -> sqs.purgeQueue(r -> r.queueUrl(url)));
        }
        // -Dwabridge.local.visibilitySeconds=N: every queue's visibility timeout, set before the pollers start, so a
        // consumer killed mid-batch (a crash test) gets its messages back in seconds rather than the template's minutes.
        Integer visibility = Integer.getInteger("wabridge.local.visibilitySeconds");
        if (visibility != null) {
            resources.queueUrls().values().forEach(url -> sqs.setQueueAttributes(r -> r.queueUrl(url).attributesWithStrings(
                    Map.of("VisibilityTimeout", Integer.toString(visibility)))));
        }
        if (options.eventsUrl() != null) {
            aws.events().addTarget(new LocalEventBridge.Target(options.eventsUrl(), secrets.value(EVENTS_SECRET_NAME).orElseThrow()));
        }
        long resourcesUp = System.nanoTime();

        startFunctions(template);
        addRoutes(template);
        addEventSources(template);
        addSchedules(template);
        addLocalEndpoints(issuer);

        gateway.start();
        admin.start();
        eventSources.forEach(SqsEventSource::start);
        scheduler.start();
        // Meta verifies the app's callback with the GET handshake before it sends anything: so does the sandbox.
        if (!webhookVerifyToken().isEmpty() && !configureCallback(baseUrl() + "/webhook", webhookVerifyToken())) {
            log.warn("the Meta sandbox could not verify the webhook callback {}/webhook", baseUrl());
        }
        startMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("started in {} ms: local AWS parts {} ms, tables/queues/secrets {} ms, functions and routes {} ms",
                startMillis, (partsUp - started) / 1_000_000, (resourcesUp - partsUp) / 1_000_000,
                (System.nanoTime() - resourcesUp) / 1_000_000);
        localConfig = describe(issuer);
        Files.writeString(data.resolve("local.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(localConfig));
    }

    /** The sandbox's own, or the external one's {@code POST /_sandbox/callback} (which verifies it with the GET handshake). */
    private boolean configureCallback(String url, String verifyToken) {
        if (sandbox != null) {
            return sandbox.configureCallback(url, verifyToken);
        }
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(metaUrl().resolve("/_sandbox/callback"))
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("url", url, "verify_token", verifyToken))))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Where Meta (the Graph API, the signup SDK, the sandbox's control API) is: the sandbox's or {@code --meta-url}. */
    private URI metaUrl() {
        return sandbox != null ? sandbox.baseUrl() : URI.create(options.metaUrl().toString().replaceAll("/+$", ""));
    }

    private void startFunctions(SamTemplate template) {
        Map<String, Object> globals = template.globalsFunction();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, props) -> {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_REGION", REGION);
            env.put("AWS_DEFAULT_REGION", REGION);
            env.put("AWS_ACCESS_KEY_ID", "local");
            env.put("AWS_SECRET_ACCESS_KEY", "local");
            env.put("AWS_LAMBDA_FUNCTION_NAME", STACK + "-" + id);
            env.put("AWS_ENDPOINT_URL_DYNAMODB", (dynamoThrottle != null ? dynamoThrottle.endpoint() : dynamoServer.endpoint()).toString());
            env.put("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", awsJson.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_KMS", awsJson.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", awsJson.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_S3", aws.s3().endpoint().toString());
            env.put("GRAPH_API_BASE_URL", metaUrl().toString());
            env.put("FACEBOOK_SDK_URL", metaUrl() + "/en_US/sdk.js");
            env.put("SIGNUP_MESSAGE_ORIGINS", metaUrl().toString());
            env.put("ALLOW_LOCAL_URLS", "true"); // a bot hook on the developer's machine (http, loopback)
            resolveVariables(map(map(globals.get("Environment")).get("Variables")), env);
            resolveVariables(map(map(props.get("Environment")).get("Variables")), env);
            if (env.containsKey("PUBLIC_BASE_URL")) {
                env.put("PUBLIC_BASE_URL", baseUrl().toString()); // the API Gateway URL is the local gateway here
            }
            int timeout = Integer.parseInt(String.valueOf(props.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3))));
            int memory = Integer.parseInt(String.valueOf(props.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128))));
            String handler = String.valueOf(props.getOrDefault("Handler", globals.get("Handler")));
            functions.put(id, LocalFunction.start(new LocalFunction.Definition(id, STACK + "-" + id, handler, timeout, memory, env)));
        });
    }

    private void resolveVariables(Map<String, Object> variables, Map<String, String> into) {
        variables.forEach((name, value) -> into.put(name, resources.intrinsics().string(value)));
    }

    private void addRoutes(SamTemplate template) {
        template.resourcesOfType("AWS::Serverless::HttpApi").values().stream()
                .map(api -> map(resources.intrinsics().resolve(map(api).get("CorsConfiguration")))).filter(c -> !c.isEmpty()).findFirst()
                .ifPresent(c -> gateway.cors(new HttpGateway.Cors(strings(c.get("AllowOrigins")), strings(c.get("AllowHeaders")),
                        strings(c.get("AllowMethods")), Integer.parseInt(String.valueOf(c.getOrDefault("MaxAge", 0))))));
        Map<String, JwtAuthorizer> authorizers = new HashMap<>();
        for (SamTemplate.FunctionEvent event : template.functionEvents("HttpApi")) {
            Map<String, Object> p = event.properties();
            String apiId = p.get("ApiId") == null ? null : String.valueOf(map(p.get("ApiId")).get("Ref"));
            Map<String, Object> apiAuth = apiId == null ? Map.of()
                    : map(map(template.resourcesOfType("AWS::Serverless::HttpApi").get(apiId)).get("Auth"));
            String authorizerName = map(p.get("Auth")).containsKey("Authorizer")
                    ? String.valueOf(map(p.get("Auth")).get("Authorizer")) : (String) apiAuth.get("DefaultAuthorizer");
            JwtAuthorizer authorizer = null;
            if (authorizerName != null && !"NONE".equals(authorizerName)) {
                Map<String, Object> spec = map(map(apiAuth.get("Authorizers")).get(authorizerName));
                Map<String, Object> jwt = map(resources.intrinsics().resolve(spec.get("JwtConfiguration")));
                if (jwt.isEmpty()) {
                    throw new IllegalStateException("authorizer " + authorizerName + " is not a JWT authorizer");
                }
                authorizer = authorizers.computeIfAbsent(authorizerName, n -> new JwtAuthorizer(String.valueOf(jwt.get("issuer")),
                        list(jwt.get("audience")).stream().map(Object::toString).toList(), Clock.systemUTC()));
            }
            String method = String.valueOf(p.getOrDefault("Method", "ANY")).toUpperCase();
            String path = String.valueOf(p.getOrDefault("Path", "/"));
            gateway.addRoute(new HttpGateway.Route(method, path, functions.get(event.functionId()), authorizer));
        }
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(Object::toString).toList();
    }

    private void addEventSources(SamTemplate template) {
        for (SamTemplate.FunctionEvent event : template.functionEvents("SQS")) {
            Map<String, Object> p = event.properties();
            if ("false".equalsIgnoreCase(String.valueOf(p.getOrDefault("Enabled", "true")))) {
                continue;
            }
            String arn = resources.intrinsics().string(p.get("Queue"));
            int batchSize = Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", 10)));
            boolean report = list(p.get("FunctionResponseTypes")).contains("ReportBatchItemFailures");
            int concurrency = Integer.parseInt(String.valueOf(map(p.get("ScalingConfig")).getOrDefault("MaximumConcurrency", 2)));
            SqsEventSource.Mapping mapping = new SqsEventSource.Mapping(event.functionId() + "." + event.eventName(), arn,
                    resources.queueUrlForArn(arn), batchSize, report, Math.min(concurrency, 4));
            eventSources.add(new SqsEventSource(mapping, functions.get(event.functionId()), sqs, REGION));
        }
    }

    private void addSchedules(SamTemplate template) {
        for (SamTemplate.FunctionEvent event : template.functionEvents("Schedule", "ScheduleV2")) {
            Map<String, Object> p = event.properties();
            Object expression = p.containsKey("ScheduleExpression") ? p.get("ScheduleExpression") : p.get("Schedule");
            String name = event.functionId() + "." + event.eventName();
            scheduler.add(new LocalScheduler.Schedule(name, resources.intrinsics().string(expression),
                    functions.get(event.functionId()), p.get("Input") == null ? null : resources.intrinsics().string(p.get("Input")),
                    "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + STACK + "-" + name, REGION, ACCOUNT));
        }
    }

    private void addLocalEndpoints(String issuer) {
        gateway.addLocalEndpoint("GET", LocalIdentity.PATH + "/.well-known/openid-configuration",
                r -> HttpGateway.LocalResponse.json(200, identity.openIdConfiguration(issuer)));
        gateway.addLocalEndpoint("GET", LocalIdentity.PATH + "/jwks.json", r -> HttpGateway.LocalResponse.json(200, identity.jwks()));
        admin.addLocalEndpoint("GET", "/.local/status", r -> HttpGateway.LocalResponse.json(200, withoutSecrets(localConfig)));
        admin.addLocalEndpoint("POST", "/.local/schedules/", r -> {
            String name = r.path().substring("/.local/schedules/".length());
            try {
                Object result = scheduler.fire(name);
                return HttpGateway.LocalResponse.json(200, Map.of("schedule", name, "result", String.valueOf(result)));
            } catch (IllegalArgumentException e) {
                return HttpGateway.LocalResponse.json(404, Map.of("error", Map.of("code", "schedule_unknown", "message", e.getMessage())));
            } catch (IllegalStateException e) {
                return HttpGateway.LocalResponse.json(502, Map.of("error", Map.of("code", "schedule_failed", "message", e.getMessage())));
            }
        });
        // Until Embedded Signup claims numbers for tenants, this assigns one by hand (the same conditional claim).
        admin.addLocalEndpoint("POST", "/.local/routes", r -> {
            try {
                var body = JSON.readTree(r.body());
                if (!body.path("wabaId").asText("").matches("[0-9]{1,32}")) {
                    throw new IllegalArgumentException("wabaId");
                }
                boolean ok = new DynamoDbRouting(dynamo, resources.tableNames().get("Table"), Clock.systemUTC()).claim(
                        new TenantId(body.path("tenant").asText()), body.path("wabaId").asText(), new PhoneNumberId(body.path("phoneNumberId").asText()));
                return ok ? HttpGateway.LocalResponse.json(200, Map.of("claimed", true))
                        : HttpGateway.LocalResponse.json(409, Map.of("error", Map.of("code", "route_taken", "message", "another tenant owns this number or WABA")));
            } catch (Exception e) {
                return HttpGateway.LocalResponse.json(400, Map.of("error", Map.of("code", "route_invalid",
                        "message", "body must be {\"tenant\", \"wabaId\", \"phoneNumberId\"} with a numeric phoneNumberId")));
            }
        });
        // Lambda's own Invoke API, so `aws lambda invoke --endpoint-url` and `./wabridge invoke` work locally.
        admin.addLocalEndpoint("POST", "/2015-03-31/functions/", this::invokeByApi);
        if (options.openApi() != null && Files.exists(options.openApi())) {
            gateway.addLocalEndpoint("GET", "/openapi.yaml", r -> new HttpGateway.LocalResponse(200, "application/yaml",
                    unchecked(() -> Files.readAllBytes(options.openApi()))));
        }
    }

    private HttpGateway.LocalResponse invokeByApi(HttpGateway.LocalRequest request) {
        String rest = request.path().substring("/2015-03-31/functions/".length());
        String name = java.net.URLDecoder.decode(rest.replaceAll("/invocations$", ""), java.nio.charset.StandardCharsets.UTF_8);
        String id = name.substring(name.lastIndexOf(':') + 1).replaceFirst("^" + STACK + "-", "");
        LocalFunction function = functions.get(id);
        if (function == null || !rest.endsWith("/invocations")) {
            return HttpGateway.LocalResponse.json(404, Map.of("Type", "User", "Message", "Function not found: " + name));
        }
        Object input;
        try {
            byte[] body = request.body().length == 0 ? "{}".getBytes() : request.body();
            input = JSON.readValue(body, function.inputType());
        } catch (Exception e) {
            return HttpGateway.LocalResponse.json(400, Map.of("Type", "User", "Message", "payload is not valid JSON for "
                    + function.inputType().getSimpleName()));
        }
        try {
            return HttpGateway.LocalResponse.json(200, function.invoke(input));
        } catch (LocalFunction.InvocationFailed e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return HttpGateway.LocalResponse.json(200, Map.of("errorType", cause.getClass().getName(),
                    "errorMessage", String.valueOf(cause.getMessage())));
        }
    }

    private Map<String, Object> describe(String issuer) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateway", baseUrl().toString());
        out.put("admin", adminUrl().toString());
        out.put("webhookUrl", baseUrl() + "/webhook");
        out.put("openApi", baseUrl() + "/openapi.yaml");
        out.put("metaSandbox", sandbox == null
                ? Map.of("url", metaUrl().toString(), "graph", metaUrl() + "/v25.0", "control", metaUrl() + "/_sandbox/state")
                : Map.of("url", sandbox.baseUrl().toString(), "graph", sandbox.graphUrl("v25.0"),
                "control", sandbox.baseUrl() + "/_sandbox/state", "partnerBusinessId", sandbox.partnerBusinessId(),
                "partnerCreditLineId", sandbox.partnerCreditLineId()));
        out.put("startupMillis", startMillis);
        out.put("meta", Map.of("appId", META_APP_ID, "appSecret", secrets.value(APP_SECRET_NAME).orElseThrow(),
                "webhookVerifyToken", webhookVerifyToken()));
        out.put("events", Map.of("url", options.eventsUrl() == null ? "" : options.eventsUrl(),
                "signingSecret", secrets.value(EVENTS_SECRET_NAME).orElseThrow(), "header", "X-WaBridge-Signature"));
        out.put("jwt", Map.of("issuer", issuer, "audience", AUDIENCE,
                "tenantClaim", resources.parameterValues().getOrDefault("JwtTenantClaim", "tenant_id"),
                "planClaim", resources.parameterValues().getOrDefault("JwtPlanClaim", "plan")));
        out.put("aws", Map.of("region", REGION, "accessKeyId", "local", "secretAccessKey", "local",
                "dynamodb", dynamoServer.endpoint().toString(), "sqs", sqsServer.endpoint().toString(),
                "secretsManager", awsJson.endpoint().toString(), "kms", awsJson.endpoint().toString()));
        out.put("tables", resources.tableNames());
        out.put("queues", resources.queueUrls());
        out.put("routes", gateway.routes().stream().map(r -> r.method() + " " + r.path()
                + (r.authorizer() == null ? "" : " (JWT)") + " -> " + r.function().definition().logicalId()).toList());
        out.put("schedules", scheduler.schedules().keySet());
        Map<String, Long> init = new LinkedHashMap<>();
        functions.forEach((id, f) -> init.put(id, f.initMillis()));
        out.put("functionInitMillis", init);
        return out;
    }

    private String webhookVerifyToken() {
        return functions.values().stream().map(f -> f.definition().environment().get("WEBHOOK_VERIFY_TOKEN_ARN"))
                .filter(java.util.Objects::nonNull).findFirst()
                .flatMap(arn -> secrets.value(arn.substring(arn.indexOf(":secret:") + ":secret:".length()))).orElse("");
    }

    /** The gateway's URL: on 127.0.0.1 unless {@code --host} named one address (not a wildcard) for it. */
    public URI baseUrl() {
        java.net.InetAddress host = gateway.address();
        String name = host.isAnyLocalAddress() || host.isLoopbackAddress() && options.gatewayHost() == null ? "127.0.0.1"
                : host instanceof java.net.Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return URI.create("http://" + name + ":" + gateway.port());
    }

    /** The runtime's own routes: {@code /.local/status}, {@code /.local/schedules/}, {@code /.local/routes}, Lambda's Invoke API. */
    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + admin.port());
    }

    /** The configuration as {@code /.local/status} shows it: no route returns a secret (they are in local.json only). */
    static Map<String, Object> withoutSecrets(Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        out.put("meta", Map.of("appId", META_APP_ID));
        Map<String, Object> events = new LinkedHashMap<>(map(config.get("events")));
        events.remove("signingSecret");
        out.put("events", events);
        return out;
    }

    /** Where this runtime keeps what lasts across restarts (and its {@code local.json}). */
    public Path dataDir() {
        return options.dataDir().toAbsolutePath();
    }

    public Map<String, Object> localConfig() {
        return localConfig;
    }

    public long startupMillis() {
        return startMillis;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** A running function by logical id. */
    public LocalFunction function(String logicalId) {
        return functions.get(logicalId);
    }

    /** Every running function, by logical id. */
    public Map<String, LocalFunction> functions() {
        return java.util.Collections.unmodifiableMap(functions);
    }

    /** The SQS event sources that invoke {@code functionLogicalId} (to crash and restart its pollers). */
    public List<SqsEventSource> eventSources(String functionLogicalId) {
        return eventSources.stream().filter(s -> s.mapping().name().startsWith(functionLogicalId + ".")).toList();
    }

    /** The throttling front before the local DynamoDB, when {@link Options#withDynamoThrottle()} asked for one. */
    public java.util.Optional<DynamoDbThrottle> dynamoThrottle() {
        return java.util.Optional.ofNullable(dynamoThrottle);
    }

    public LocalResources resources() {
        return resources;
    }

    /** The local AWS parts (tests count KMS calls, create keys). */
    public LocalAwsParts aws() {
        return aws;
    }

    /** The Meta sandbox playing Meta's side for this runtime; null when it runs elsewhere ({@link Options#withMetaUrl}). */
    public MetaSandbox sandbox() {
        return sandbox;
    }

    public LocalScheduler scheduler() {
        return scheduler;
    }

    public LocalIdentity identity() {
        return identity;
    }

    public String metaAppSecret() {
        return secrets.value(APP_SECRET_NAME).orElseThrow();
    }

    public String webhookVerifyTokenValue() {
        return webhookVerifyToken();
    }

    /** A token the gateway accepts for {@code tenant}. */
    public String token(String tenant, Duration ttl) {
        return identity.mint(baseUrl() + LocalIdentity.PATH, AUDIENCE,
                resources.parameterValues().getOrDefault("JwtTenantClaim", "tenant_id"), tenant, ttl);
    }

    /** A token the gateway accepts for {@code tenant} on {@code plan} (the API rate limits' plan claim). */
    public String token(String tenant, String plan, Duration ttl) {
        return identity.mint(baseUrl() + LocalIdentity.PATH, AUDIENCE,
                resources.parameterValues().getOrDefault("JwtTenantClaim", "tenant_id"), tenant, ttl,
                Map.of(resources.parameterValues().getOrDefault("JwtPlanClaim", "plan"), plan));
    }

    /** {@link #awaitIdle(Duration)} with 30 seconds. */
    public void awaitIdle() {
        awaitIdle(Duration.ofSeconds(30));
    }

    /**
     * Waits until nothing is left to happen by itself: every queue an event source reads is empty (visible, in
     * flight and delayed messages alike), no function invocation is running, no schedule is firing, no event is on
     * its way to an event target, and the Meta sandbox has no status or webhook left to send or retry. That must
     * hold at three checks in a row, {@link #IDLE_CHECK} apart, with no invocation started in between (work moving
     * from one part to the next always passes through an invocation). For checks that something did NOT happen:
     * after this returns, anything that was going to happen has.
     *
     * @throws IllegalStateException naming what was still busy when {@code timeout} passed
     */
    public void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        long lastInvocations = -1;
        List<String> busy;
        while (true) {
            long invocations = invocationsStarted();
            busy = busy();
            boolean quiet = busy.isEmpty() && invocations == invocationsStarted();
            if (!quiet) {
                quietChecks = 0;
            } else {
                quietChecks = invocations == lastInvocations ? quietChecks + 1 : 1;
            }
            lastInvocations = invocations;
            if (quietChecks >= 3) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the local runtime was not idle after " + timeout.toMillis() + " ms: "
                        + (busy.isEmpty() ? "new invocations kept starting" : String.join("; ", busy)));
            }
            try {
                Thread.sleep(IDLE_CHECK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the local runtime to be idle", e);
            }
        }
    }

    /** The interval of {@link #awaitIdle(Duration)}'s checks. */
    static final Duration IDLE_CHECK = Duration.ofMillis(50);

    private long invocationsStarted() {
        return functions.values().stream().mapToLong(f -> f.stats().invocations()).sum();
    }

    /** What still has work to do, one phrase each; empty when idle. */
    List<String> busy() {
        List<String> busy = new ArrayList<>();
        functions.forEach((id, f) -> {
            if (f.running() > 0) {
                busy.add(id + ": " + f.running() + " invocation(s) running");
            }
        });
        if (!scheduler.idle()) {
            busy.add("a schedule is firing");
        }
        if (!aws.events().idle()) {
            busy.add("EventBridge: events on their way to a target");
        }
        if (!sandbox.idle()) {
            busy.add("Meta sandbox: statuses or webhooks still to send");
        }
        Map<String, String> queueIds = new HashMap<>();
        resources.queueUrls().forEach((id, url) -> queueIds.put(url, id));
        eventSources.stream().map(e -> e.mapping().queueUrl()).distinct().forEach(url -> {
            Map<String, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                    .attributesAsStrings();
            String visible = a.getOrDefault("ApproximateNumberOfMessages", "0");
            String inFlight = a.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0");
            String delayed = a.getOrDefault("ApproximateNumberOfMessagesDelayed", "0");
            if (!visible.equals("0") || !inFlight.equals("0") || !delayed.equals("0")) {
                busy.add(queueIds.getOrDefault(url, url) + ": " + visible + " waiting, " + inFlight + " in flight, " + delayed + " delayed");
            }
        });
        return busy;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() {
        for (SqsEventSource source : eventSources) {
            quietly(source);
        }
        scheduler.close();
        functions.values().forEach(LocalFunction::close);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            quietly(closeables.get(i));
        }
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static <T> T unchecked(ThrowingSupplier<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
