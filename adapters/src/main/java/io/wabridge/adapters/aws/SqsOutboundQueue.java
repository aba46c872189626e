package io.wabridge.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.meta.OutboundContentJson;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.OutboundQueue;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The outbound FIFO queue. A job names the send ({@code {"tenantId","id"}}) and carries it ({@code "send"}: what
 * the sender needs to record it if the API stopped between queueing and recording it); the group is phone number +
 * recipient (one conversation in order, other conversations in parallel); the deduplication id is the
 * send's id and state, so a re-queued held send is not taken for a duplicate.
 */
public final class SqsOutboundQueue implements OutboundQueue {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A queued job; {@code send} is what it carries (null in a job queued before jobs carried their send). */
    public record Job(TenantId tenant, String id, OutboundMessage send) {}

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsOutboundQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(OutboundMessage m) {
        Map<String, Object> send = new java.util.LinkedHashMap<>();
        send.put("phoneNumberId", m.phoneNumberId().value());
        send.put("to", m.to());
        send.put("type", m.type());
        send.put("content", OutboundContentJson.stored(m.content()));
        send.put("replyTo", m.replyTo());
        send.put("callbackData", m.callbackData());
        send.put("createdAt", m.createdAt().toString());
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("tenantId", m.tenant().value(), "id", m.id(), "send", send));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Group ids allow 128 characters: hash the recipient (it is personal data, too).
        String group = m.phoneNumberId().value() + ":" + sha256(m.to()).substring(0, 32);
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageGroupId(group)
                    .messageDeduplicationId(m.id() + ":" + m.attempts() + ":" + m.updatedAt().toEpochMilli()));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new OutboundQueue.Unavailable("the outbound queue did not take send " + m.id() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    public static Job parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            TenantId tenant = new TenantId(n.path("tenantId").asText());
            String id = n.path("id").asText();
            JsonNode s = n.path("send");
            OutboundMessage send = null;
            if (s.isObject()) {
                java.time.Instant at = java.time.Instant.parse(s.path("createdAt").asText());
                send = new OutboundMessage(id, tenant, new io.wabridge.core.messaging.PhoneNumberId(s.path("phoneNumberId").asText()), s.path("to").asText(),
                        OutboundContentJson.read(s.path("type").asText(), JSON.convertValue(s.path("content"), Object.class)),
                        s.path("replyTo").isTextual() ? s.path("replyTo").asText() : null, io.wabridge.core.send.SendState.QUEUED, null, 0, null, null, at, at,
                        s.path("callbackData").isTextual() ? s.path("callbackData").asText() : null);
            }
            return new Job(tenant, id, send);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an outbound job", e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
