package io.wabridge.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local key service speaking the subset of KMS's JSON protocol WaBridge uses ({@code GenerateDataKey},
 * {@code Encrypt}, {@code Decrypt}, {@code DescribeKey}, plus {@code CreateKey}, {@code EnableKey} and
 * {@code DisableKey} for rotation and failure tests). Master keys are AES-256 keys kept in the data
 * folder; ciphertext blobs carry the key id and are sealed with AES-GCM whose additional data is the
 * encryption context, so a wrong context fails with {@code InvalidCiphertextException} as KMS does.
 */
public final class LocalKms implements AwsJsonServer.Service {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte BLOB_VERSION = 1;

    private record MasterKey(String keyId, byte[] material, String description, long createdEpochSeconds, boolean enabled) {}

    private final Path file;
    private final String region;
    private final String accountId;
    private final Map<String, MasterKey> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    public LocalKms(Path file, String region, String accountId) throws IOException {
        this.file = file;
        this.region = region;
        this.accountId = accountId;
        if (file != null && Files.exists(file)) {
            JSON.readTree(file.toFile()).fields().forEachRemaining(e -> {
                JsonNode k = e.getValue();
                keys.put(e.getKey(), new MasterKey(e.getKey(), Base64.getDecoder().decode(k.path("material").asText()),
                        k.path("description").asText(""), k.path("created").asLong(), k.path("enabled").asBoolean(true)));
            });
        }
    }

    public String arn(String keyId) {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
    }

    /** Creates the key with this id unless it exists (keys declared in the template). */
    public synchronized String ensureKey(String keyId, String description) throws IOException {
        if (!keys.containsKey(keyId)) {
            byte[] material = new byte[32];
            RANDOM.nextBytes(material);
            keys.put(keyId, new MasterKey(keyId, material, description, System.currentTimeMillis() / 1000, true));
            save();
        }
        return arn(keyId);
    }

    /** How many times an operation was called (benchmarks count KMS calls with it). */
    public long calls(String operation) {
        AtomicLong n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    @Override
    public String targetPrefix() {
        return "TrentService.";
    }

    @Override
    public JsonNode handle(String operation, JsonNode request) {
        calls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
        try {
            return switch (operation) {
                case "GenerateDataKey" -> generateDataKey(request);
                case "Encrypt" -> encrypt(request);
                case "Decrypt" -> decrypt(request);
                case "ReEncrypt" -> reEncrypt(request);
                case "DescribeKey" -> metadataResponse(key(request.path("KeyId").asText()));
                case "CreateKey" -> metadataResponse(keys.get(createKey(request.path("Description").asText(""))));
                case "EnableKey", "DisableKey" -> setEnabled(request, operation.equals("EnableKey"));
                default -> throw new AwsJsonServer.AwsError(400, "UnsupportedOperationException", operation + " is not supported locally");
            };
        } catch (IOException e) {
            throw new AwsJsonServer.AwsError(500, "KMSInternalException", "local key store could not be written");
        }
    }

    private JsonNode generateDataKey(JsonNode request) {
        MasterKey key = usableKey(request.path("KeyId").asText());
        int bytes = request.has("NumberOfBytes") ? request.path("NumberOfBytes").asInt()
                : "AES_128".equals(request.path("KeySpec").asText()) ? 16 : 32;
        if (bytes < 1 || bytes > 1024) {
            throw new AwsJsonServer.AwsError(400, "ValidationException", "NumberOfBytes must be between 1 and 1024");
        }
        byte[] plaintext = new byte[bytes];
        RANDOM.nextBytes(plaintext);
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(seal(key, plaintext, context(request))));
        out.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        out.put("KeyId", arn(key.keyId()));
        return out;
    }

    private JsonNode encrypt(JsonNode request) {
        MasterKey key = usableKey(request.path("KeyId").asText());
        byte[] plaintext = Base64.getDecoder().decode(request.path("Plaintext").asText());
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(seal(key, plaintext, context(request))));
        out.put("KeyId", arn(key.keyId()));
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    private JsonNode decrypt(JsonNode request) {
        Opened opened = open(request.path("CiphertextBlob").asText(), context(request, "EncryptionContext"),
                request.hasNonNull("KeyId") ? request.path("KeyId").asText() : null);
        ObjectNode out = JSON.createObjectNode();
        out.put("Plaintext", Base64.getEncoder().encodeToString(opened.plaintext()));
        out.put("KeyId", arn(opened.keyId()));
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    /** ReEncrypt: opens the blob under its key and source context and seals it under the destination key and context. */
    private JsonNode reEncrypt(JsonNode request) {
        Opened opened = open(request.path("CiphertextBlob").asText(), context(request, "SourceEncryptionContext"),
                request.hasNonNull("SourceKeyId") ? request.path("SourceKeyId").asText() : null);
        MasterKey destination = usableKey(request.path("DestinationKeyId").asText());
        byte[] sealed = seal(destination, opened.plaintext(), context(request, "DestinationEncryptionContext"));
        java.util.Arrays.fill(opened.plaintext(), (byte) 0);
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(sealed));
        out.put("SourceKeyId", arn(opened.keyId()));
        out.put("KeyId", arn(destination.keyId()));
        out.put("SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        out.put("DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    private record Opened(String keyId, byte[] plaintext) {}

    private Opened open(String base64Blob, Map<String, String> context, String requestedKeyId) {
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64Blob);
        } catch (IllegalArgumentException e) {
            throw invalidCiphertext();
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < 2 + 12 + 16 || in.get() != BLOB_VERSION) {
            throw invalidCiphertext();
        }
        int idLength = in.get() & 0xff;
        if (in.remaining() < idLength + 12 + 16) {
            throw invalidCiphertext();
        }
        byte[] id = new byte[idLength];
        in.get(id);
        String keyId = new String(id, StandardCharsets.US_ASCII);
        MasterKey key = keys.get(keyId);
        if (key == null) {
            throw invalidCiphertext();
        }
        if (requestedKeyId != null && !key.keyId().equals(resolveKeyId(requestedKeyId))) {
            throw new AwsJsonServer.AwsError(400, "IncorrectKeyException",
                    "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        if (!key.enabled()) {
            throw new AwsJsonServer.AwsError(400, "DisabledException", arn(keyId) + " is disabled.");
        }
        byte[] iv = new byte[12];
        in.get(iv);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(128, iv));
            gcm.updateAAD(aad(keyId, context));
            return new Opened(keyId, gcm.doFinal(sealed));
        } catch (GeneralSecurityException e) {
            throw invalidCiphertext();
        }
    }

    private byte[] seal(MasterKey key, byte[] plaintext, Map<String, String> context) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(128, iv));
            gcm.updateAAD(aad(key.keyId(), context));
            byte[] sealed = gcm.doFinal(plaintext);
            byte[] id = key.keyId().getBytes(StandardCharsets.US_ASCII);
            return ByteBuffer.allocate(2 + id.length + iv.length + sealed.length)
                    .put(BLOB_VERSION).put((byte) id.length).put(id).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new AwsJsonServer.AwsError(500, "KMSInternalException", "encryption failed");
        }
    }

    private static byte[] aad(String keyId, Map<String, String> context) {
        StringBuilder out = new StringBuilder(keyId).append('|');
        new TreeMap<>(context).forEach((k, v) -> out.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> context(JsonNode request) {
        return context(request, "EncryptionContext");
    }

    private static Map<String, String> context(JsonNode request, String field) {
        Map<String, String> context = new LinkedHashMap<>();
        request.path(field).fields().forEachRemaining(e -> context.put(e.getKey(), e.getValue().asText()));
        return context;
    }

    private String createKey(String description) throws IOException {
        String keyId = UUID.randomUUID().toString();
        ensureKey(keyId, description);
        return keyId;
    }

    private JsonNode setEnabled(JsonNode request, boolean enabled) throws IOException {
        MasterKey key = key(request.path("KeyId").asText());
        synchronized (this) {
            keys.put(key.keyId(), new MasterKey(key.keyId(), key.material(), key.description(), key.createdEpochSeconds(), enabled));
            save();
        }
        return JSON.createObjectNode();
    }

    private MasterKey usableKey(String keyId) {
        MasterKey key = key(keyId);
        if (!key.enabled()) {
            throw new AwsJsonServer.AwsError(400, "DisabledException", arn(key.keyId()) + " is disabled.");
        }
        return key;
    }

    private MasterKey key(String keyId) {
        MasterKey key = keys.get(resolveKeyId(keyId));
        if (key == null) {
            throw new AwsJsonServer.AwsError(400, "NotFoundException", "Key '" + keyId + "' does not exist");
        }
        return key;
    }

    private static String resolveKeyId(String keyId) {
        return keyId.contains(":key/") ? keyId.substring(keyId.indexOf(":key/") + 5) : keyId;
    }

    private JsonNode metadataResponse(MasterKey key) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode m = out.putObject("KeyMetadata");
        m.put("AWSAccountId", accountId);
        m.put("KeyId", key.keyId());
        m.put("Arn", arn(key.keyId()));
        m.put("CreationDate", key.createdEpochSeconds());
        m.put("Enabled", key.enabled());
        m.put("Description", key.description());
        m.put("KeyUsage", "ENCRYPT_DECRYPT");
        m.put("KeyState", key.enabled() ? "Enabled" : "Disabled");
        m.put("Origin", "AWS_KMS");
        m.put("KeyManager", "CUSTOMER");
        m.put("KeySpec", "SYMMETRIC_DEFAULT");
        m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        return out;
    }

    private static AwsJsonServer.AwsError invalidCiphertext() {
        return new AwsJsonServer.AwsError(400, "InvalidCiphertextException", null);
    }

    private synchronized void save() throws IOException {
        if (file == null) {
            return;
        }
        Map<String, Object> out = new TreeMap<>();
        keys.values().forEach(k -> out.put(k.keyId(), Map.of("material", Base64.getEncoder().encodeToString(k.material()),
                "description", k.description(), "created", k.createdEpochSeconds(), "enabled", k.enabled())));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), out);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
