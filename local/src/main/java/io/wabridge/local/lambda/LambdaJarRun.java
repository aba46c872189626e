package io.wabridge.local.lambda;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.LocalRuntime;
import io.wabridge.local.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a function of template.yaml from its shaded {@code -lambda.jar} in a fresh JVM ({@link LambdaJarProbe}),
 * with Lambda's JVM flags and the function's environment resolved against a running local runtime, and one
 * representative event that goes to the real local parts. The Lambda jar test and the cold-start benchmark use it.
 */
public final class LambdaJarRun {

    /** The flags Lambda's java21 runtime starts the JVM with (tiered compilation stops at C1; serial GC; CDS). */
    public static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto");

    /**
     * One run. {@code jvmToFirstMillis}: process start to the first event handled; {@code constructMillis}: the
     * handler's construction (clients, secrets); {@code primeMillis}: the SnapStart priming (0 without);
     * {@code snapshotReadyMillis}: process start to the end of init and priming, what a snapshot would hold;
     * {@code requestMillis}: the first event (deserialized, handled).
     */
    public record Result(String function, boolean primed, long jvmToFirstMillis, long constructMillis, long primeMillis,
                         long snapshotReadyMillis, long requestMillis, String response) {}

    private final LocalRuntime runtime;
    private final Path root;
    private final Path work;
    private final SamTemplate template;
    private final Path probeClasses;
    private final Path serializationJar;

    public LambdaJarRun(LocalRuntime runtime, Path repositoryRoot, Path work) throws IOException {
        this.runtime = runtime;
        this.root = repositoryRoot;
        this.work = work;
        this.template = SamTemplate.load(repositoryRoot.resolve("template.yaml"));
        this.probeClasses = work.resolve("probe");
        Path classFile = probeClasses.resolve("io/wabridge/local/lambda/LambdaJarProbe.class");
        Files.createDirectories(classFile.getParent());
        try (InputStream in = LambdaJarProbe.class.getResourceAsStream("LambdaJarProbe.class")) {
            Files.write(classFile, in.readAllBytes());
        }
        try {
            this.serializationJar = Path.of(PojoSerializer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The functions of the template, by logical id. */
    public List<String> functions() {
        return new ArrayList<>(new java.util.TreeSet<>(template.resourcesOfType("AWS::Serverless::Function").keySet()));
    }

    /** The shaded jar the function's {@code CodeUri} names. */
    public Path jar(String function) {
        return root.resolve(String.valueOf(template.resourcesOfType("AWS::Serverless::Function").get(function).get("CodeUri"))).normalize();
    }

    /** Starts a JVM for one cold start of {@code function}, optionally primed, and waits for its line. */
    public Result run(String function, boolean prime) throws IOException, InterruptedException {
        return run(function, prime, LAMBDA_JVM_FLAGS);
    }

    /** As {@link #run(String, boolean)}, with other JVM flags. */
    public Result run(String function, boolean prime, List<String> jvmFlags) throws IOException, InterruptedException {
        Map<String, Object> props = template.resourcesOfType("AWS::Serverless::Function").get(function);
        Path event = work.resolve(function + ".json");
        Files.writeString(event, event(function));
        Path output = work.resolve(function + (prime ? "-primed" : "") + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(jar(function) + java.io.File.pathSeparator + probeClasses + java.io.File.pathSeparator + serializationJar);
        command.add(LambdaJarProbe.class.getName());
        command.add(String.valueOf(props.get("Handler")));
        command.add(event.toString());
        command.add(prime ? "prime" : "plain");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(runtime.function(function).definition().environment());
        long started = System.currentTimeMillis();
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(function + " did not answer within 180 s: " + tail(output));
        }
        String line = Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("PROBE ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(function + " from " + jar(function).getFileName() + " failed (exit "
                        + process.exitValue() + "): " + tail(output)));
        String[] f = line.split(" ", 7);
        long construct = Long.parseLong(f[1]);
        long primeMillis = Long.parseLong(f[3]);
        long request = Long.parseLong(f[4]);
        long done = Long.parseLong(f[5]);
        return new Result(function, prime, done - started, construct, primeMillis, done - started - request, request, f[6]);
    }

    private static String tail(Path output) {
        try {
            String text = Files.exists(output) ? Files.readString(output) : "";
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** A representative event for the function, for the local runtime's parts. */
    public String event(String function) {
        Map<String, String> env = runtime.function(function).definition().environment();
        String number = "9" + (System.nanoTime() % 1_000_000_000L);
        return switch (function) {
            case "WebhookFunction" -> {
                String body = webhookBody(number);
                String signature = WebhookSignature.withSecret(runtime.metaAppSecret()).sign(body.getBytes(StandardCharsets.UTF_8));
                yield http("POST", "/webhook", Map.of("content-type", "application/json", "x-hub-signature-256", signature), body, null);
            }
            case "ApiFunction" -> http("GET", "/v1/whoami", Map.of(), null, "probe-tenant");
            case "SignupFunction" -> http("POST", "/v1/signup/sessions", Map.of("content-type", "application/json"), "{}", "probe-tenant");
            case "InboundFunction" -> sqs(webhookBody(number));
            case "OutboundFunction" -> sqs("{\"tenantId\":\"probe-tenant\",\"id\":\"msg_probe" + number + "\"}");
            case "BotFunction" -> sqs("{\"tenantId\":\"probe-tenant\",\"phoneNumberId\":\"" + number
                    + "\",\"contact\":\"6281200000000\",\"wamid\":\"wamid.probe" + number + "\"}");
            case "MediaFunction" -> sqs("{\"tenantId\":\"probe-tenant\",\"phoneNumberId\":\"" + number
                    + "\",\"wamid\":\"wamid.probe" + number + "\",\"mediaId\":\"" + number + "\"}");
            case "KeyRotationFunction" -> "{\"targetKeyArn\":\"" + env.get("TOKEN_KEY_ARN") + "\",\"maxSecrets\":1}";
            default -> "{\"version\":\"0\",\"id\":\"probe\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                    + "\"account\":\"000000000000\",\"time\":\"" + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}";
        };
    }

    private static String webhookBody(String number) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + number + "\",\"changes\":[{\"field\":\"messages\","
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550000000\","
                + "\"phone_number_id\":\"" + number + "\"},\"contacts\":[{\"profile\":{\"name\":\"Probe\"},\"wa_id\":\"6281200000000\"}],"
                + "\"messages\":[{\"from\":\"6281200000000\",\"id\":\"wamid.probe" + number + "\",\"timestamp\":\""
                + java.time.Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"probe\"}}]}}]}]}";
    }

    private static String http(String method, String path, Map<String, String> headers, String body, String tenant) {
        StringBuilder h = new StringBuilder();
        headers.forEach((k, v) -> h.append(h.isEmpty() ? "" : ",").append(quote(k)).append(':').append(quote(v)));
        String authorizer = tenant == null ? "" : ",\"authorizer\":{\"jwt\":{\"claims\":{\"tenant_id\":" + quote(tenant)
                + ",\"sub\":\"probe\"},\"scopes\":null}}";
        return "{\"version\":\"2.0\",\"routeKey\":\"" + method + " " + path + "\",\"rawPath\":\"" + path + "\",\"rawQueryString\":\"\","
                + "\"headers\":{" + h + "},\"requestContext\":{\"http\":{\"method\":\"" + method + "\",\"path\":\"" + path
                + "\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\",\"userAgent\":\"probe\"},\"requestId\":\"probe\","
                + "\"routeKey\":\"" + method + " " + path + "\",\"stage\":\"$default\",\"timeEpoch\":" + System.currentTimeMillis()
                + authorizer + "},\"body\":" + (body == null ? "null" : quote(body)) + ",\"isBase64Encoded\":false}";
    }

    private static String sqs(String body) {
        return "{\"Records\":[{\"messageId\":\"probe-" + System.nanoTime() + "\",\"receiptHandle\":\"probe\",\"body\":" + quote(body)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"" + System.currentTimeMillis()
                + "\",\"MessageGroupId\":\"probe\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:probe.fifo\",\"awsRegion\":\"us-east-1\"}]}";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
