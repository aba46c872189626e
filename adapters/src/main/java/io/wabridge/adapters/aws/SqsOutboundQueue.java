package io.wabridge.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The outbound FIFO queue. A job names the send ({@code {"tenantId","id"}}); the group is phone number +
 * recipient (one conversation in order, other conversations in parallel); the deduplication id is the
 * send's id and state, so a re-queued held send is not taken for a duplicate.
 */
public final class SqsOutboundQueue implements OutboundQueue {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A queued job. */
    public record Job(TenantId tenant, String id) {}

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsOutboundQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(OutboundMessage m) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("tenantId", m.tenant().value(), "id", m.id()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Group ids allow 128 characters: hash the recipient (it is personal data, too).
        String group = m.phoneNumberId() + ":" + sha256(m.to()).substring(0, 32);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageGroupId(group)
                .messageDeduplicationId(m.id() + ":" + m.attempts() + ":" + m.updatedAt().toEpochMilli()));
    }

    public static Job parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return new Job(new TenantId(n.path("tenantId").asText()), n.path("id").asText());
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
