package io.wabridge.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.wabridge.adapters.config.Components;
import io.wabridge.core.token.ReEncryptSecrets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encrypts every stored tenant secret under a KMS key (rotation to a new key, or a region move).
 * Invoked by hand: {@code {"targetKeyArn": "...", "maxSecrets": 5000}}; both optional (the target defaults
 * to the stack's {@code TOKEN_KEY_ARN}). Resumable: run it again until {@code complete} is true.
 */
public final class KeyRotationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger log = LoggerFactory.getLogger(KeyRotationHandler.class);

    private final String defaultKeyArn;
    private final Function<String, ReEncryptSecrets> rotationTo;

    public KeyRotationHandler() {
        this(Components.fromEnvironment());
    }

    public KeyRotationHandler(Components components) {
        this(components.config().tokenKeyArn(), components::reEncryptSecretsTo);
    }

    KeyRotationHandler(String defaultKeyArn, Function<String, ReEncryptSecrets> rotationTo) {
        this.defaultKeyArn = defaultKeyArn;
        this.rotationTo = rotationTo;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return Invocation.run(context, () -> handle(input, context));
    }

    private Map<String, Object> handle(Map<String, Object> input, Context context) {
        Map<String, Object> in = input == null ? Map.of() : input;
        String target = in.getOrDefault("targetKeyArn", defaultKeyArn).toString();
        if (!target.startsWith("arn:aws:kms:") || !target.contains(":key/")) {
            throw new IllegalArgumentException("targetKeyArn must be a KMS key ARN");
        }
        int max = Integer.parseInt(in.getOrDefault("maxSecrets", 5000).toString());
        ReEncryptSecrets.Result result = rotationTo.apply(target).run(max, 100);
        log.info("key rotation to {}: {} re-encrypted, {} changed meanwhile, {} failed, complete={}", target,
                result.reEncrypted(), result.changedMeanwhile(), result.failed(), result.complete());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("targetKeyArn", target);
        out.put("reEncrypted", result.reEncrypted());
        out.put("changedMeanwhile", result.changedMeanwhile());
        out.put("failed", result.failed());
        out.put("complete", result.complete());
        return out;
    }
}
