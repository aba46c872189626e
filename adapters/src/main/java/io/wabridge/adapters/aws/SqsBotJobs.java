package io.wabridge.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.core.inbound.BotJobs;
import io.wabridge.core.inbound.InboundUpdate;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.tenant.TenantSettings;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The bot queue (FIFO): one job per inbound message of a tenant that configured a bot hook, grouped by
 * phone number + contact so a conversation's hook calls (and their replies) stay in order, deduplicated by
 * wamid. Tenants without a hook cost one cached settings read and nothing else.
 */
public final class SqsBotJobs implements BotJobs {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Job(TenantId tenant, String phoneNumberId, String wamid) {}

    private final SqsClient sqs;
    private final String queueUrl;
    private final Function<TenantId, Optional<TenantSettings>> settings;

    public SqsBotJobs(SqsClient sqs, String queueUrl, Function<TenantId, Optional<TenantSettings>> settings) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.settings = settings;
    }

    @Override
    public void request(TenantId tenant, InboundUpdate.MessageReceived m) {
        if (settings.apply(tenant).map(TenantSettings::botHookUrl).isEmpty()) {
            return;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("tenantId", tenant.value(), "phoneNumberId", m.phoneNumberId().value(),
                    "wamid", m.wamid().value()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String group = m.phoneNumberId().value() + ":" + Integer.toHexString(m.contact().key().hashCode());
        String dedup = m.wamid().value().length() > 128 ? m.wamid().value().substring(0, 128) : m.wamid().value();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageGroupId(group).messageDeduplicationId(dedup));
    }

    public static Job parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return new Job(new TenantId(n.path("tenantId").asText()), n.path("phoneNumberId").asText(), n.path("wamid").asText());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a bot job", e);
        }
    }
}
