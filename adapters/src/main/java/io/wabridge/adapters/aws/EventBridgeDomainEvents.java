package io.wabridge.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wabridge.core.inbound.DomainEvent;
import io.wabridge.core.inbound.DomainEventBus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Domain events to an EventBridge bus ({@code PutEvents}, source {@code wabridge}, detail-type the event
 * type, the tenant id in every detail). Which events were published is {@link DynamoDbPublishOnceLedger}'s.
 *
 * <p>The AWS SDK's EventBridge module is not on the Maven mirror these machines use (see
 * shared/docs/dependencies.md), so the call is made here with the SDK's own SigV4 signer and HTTP client:
 * the same wire request the SDK client sends.
 */
public final class EventBridgeDomainEvents implements DomainEventBus {

    /** The bus refused the event or could not be reached; the update is retried. */
    public static final class PublishFailed extends RuntimeException {
        public PublishFailed(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;
    private final String busName;

    public EventBridgeDomainEvents(SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint,
                                   String busName) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.busName = busName;
    }

    @Override
    public void publish(DomainEvent event) {
        byte[] body;
        try {
            ObjectNode entry = JSON.createObjectNode();
            entry.put("Source", "wabridge");
            entry.put("DetailType", event.type());
            entry.put("Detail", JSON.writeValueAsString(toJson(event.detail())));
            entry.put("EventBusName", busName);
            ObjectNode request = JSON.createObjectNode();
            request.putArray("Entries").add(entry);
            body = JSON.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException("event not serialisable", e);
        }
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", "AWSEvents.PutEvents").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials()).request(unsigned)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "events")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            JsonNode answer;
            try (InputStream in = response.responseBody().orElseThrow(() -> new IOException("empty answer"))) {
                answer = JSON.readTree(in);
            }
            if (!response.httpResponse().isSuccessful()) {
                throw new PublishFailed("EventBridge answered " + response.httpResponse().statusCode() + " "
                        + answer.path("__type").asText(""));
            }
            if (answer.path("FailedEntryCount").asInt() > 0) {
                throw new PublishFailed("EventBridge refused the event: " + answer.path("Entries").path(0).path("ErrorCode").asText());
            }
        } catch (IOException e) {
            throw new PublishFailed("EventBridge unreachable: " + e.getClass().getSimpleName());
        }
    }

    /** The detail as JSON, with Meta's raw objects embedded as JSON rather than as strings. */
    static JsonNode toJson(Object value) throws IOException {
        if (value instanceof DomainEvent.RawJson raw) {
            return raw.json() == null ? JSON.nullNode() : JSON.readTree(raw.json());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = JSON.createObjectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                node.set(e.getKey().toString(), toJson(e.getValue()));
            }
            return node;
        }
        if (value instanceof List<?> list) {
            var node = JSON.createArrayNode();
            for (Object o : list) {
                node.add(toJson(o));
            }
            return node;
        }
        return JSON.valueToTree(value);
    }
}
