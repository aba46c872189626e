package io.wabridge.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.media.MediaJob;
import io.wabridge.core.media.MediaJobs;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The media queue (standard SQS): one JSON message per fetch; order does not matter, retries do. */
public final class SqsMediaJobs implements MediaJobs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsMediaJobs(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void request(MediaJob job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", job.tenant().value());
        body.put("phoneNumberId", job.phoneNumberId());
        body.put("wamid", job.wamid());
        body.put("mediaId", job.mediaId());
        body.put("mimeType", job.mimeType());
        body.put("sha256", job.sha256());
        body.put("receivedAt", job.receivedAt().toString());
        try {
            String text = JSON.writeValueAsString(body);
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job a queued message carries. */
    public static MediaJob parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return new MediaJob(new TenantId(n.path("tenantId").asText()), n.path("phoneNumberId").asText(), n.path("wamid").asText(),
                    n.path("mediaId").asText(), n.path("mimeType").asText(null), n.path("sha256").asText(null),
                    Instant.parse(n.path("receivedAt").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a media job: " + e.getMessage(), e);
        }
    }
}
