package io.wabridge.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The subset of Secrets Manager's JSON protocol the functions use ({@code GetSecretValue}), answered from a
 * file in the local data folder ({@code secrets.json}, name to value). The real SDK client talks to it,
 * so the functions read secrets locally exactly as they do on AWS.
 */
public final class LocalSecretsManager implements AwsJsonServer.Service {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final String region;
    private final String accountId;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    public LocalSecretsManager(Path file, String region, String accountId) throws IOException {
        this.file = file;
        this.region = region;
        this.accountId = accountId;
        if (file != null && Files.exists(file)) {
            JSON.readTree(file.toFile()).fields().forEachRemaining(e -> secrets.put(e.getKey(), e.getValue().asText()));
        }
    }

    /** The ARN a secret of this name has locally. */
    public String arn(String name) {
        return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name;
    }

    /** Creates the secret with a random value of {@code length} letters and digits, unless it exists. */
    public synchronized String ensure(String name, int length) throws IOException {
        if (!secrets.containsKey(name)) {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < length; i++) {
                value.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            secrets.put(name, value.toString());
            save();
        }
        return arn(name);
    }

    /** Creates or replaces a secret with a given value. */
    public synchronized String put(String name, String value) throws IOException {
        secrets.put(name, value);
        save();
        return arn(name);
    }

    public synchronized Optional<String> value(String name) {
        return Optional.ofNullable(secrets.get(name));
    }

    /** How many GetSecretValue calls were answered (tests check that callers cache). */
    public long reads() {
        return reads.get();
    }

    @Override
    public String targetPrefix() {
        return "secretsmanager.";
    }

    @Override
    public synchronized JsonNode handle(String operation, JsonNode request) {
        if (!operation.equals("GetSecretValue")) {
            throw new AwsJsonServer.AwsError(400, "InvalidRequestException", operation + " is not supported locally");
        }
        reads.incrementAndGet();
        String id = request.path("SecretId").asText("");
        String name = id.startsWith("arn:") ? id.substring(id.indexOf(":secret:") + ":secret:".length()) : id;
        String value = secrets.get(name);
        if (value == null) {
            throw new AwsJsonServer.AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("ARN", arn(name));
        out.put("Name", name);
        out.put("SecretString", value);
        out.put("VersionId", "00000000-0000-0000-0000-000000000001");
        out.putArray("VersionStages").add("AWSCURRENT");
        return out;
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), secrets);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
