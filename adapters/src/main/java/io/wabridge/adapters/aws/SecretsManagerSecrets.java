package io.wabridge.adapters.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads WaBridge's own secrets (app secret, verify token, ...) from Secrets Manager once per container
 * and keeps them in memory. Values are never logged; error messages name the ARN only.
 */
public final class SecretsManagerSecrets {

    private final SecretsManagerClient client;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public SecretsManagerSecrets(SecretsManagerClient client) {
        this.client = client;
    }

    /** The secret's string value. */
    public String get(String secretArn) {
        return cache.computeIfAbsent(secretArn, arn -> {
            String value = client.getSecretValue(r -> r.secretId(arn)).secretString();
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("secret " + arn + " has no string value");
            }
            return value;
        });
    }
}
