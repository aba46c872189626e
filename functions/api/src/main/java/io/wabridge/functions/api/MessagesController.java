package io.wabridge.functions.api;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.header;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.lambda.HttpResponses;
import io.wabridge.adapters.meta.OutboundContentJson;
import io.wabridge.core.inbound.MessageHistory;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.send.AcceptSend;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.core.send.Sends;
import io.wabridge.core.send.SendRejected;
import io.wabridge.core.send.SendRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Messages: {@code POST /v1/messages} (accepted for the sender, 202), reading a send or a stored message back, its media
 * link, mark-as-read, and media uploads.
 */
final class MessagesController {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MessagesController.class);

    /** Marks an inbound message read (optionally showing the typing indicator) with the channel's token. */
    interface ReadReceipts {
        void markRead(TenantId tenant, String phoneNumberId, String wamid, boolean typing);
    }

    /** Uploads a file to a channel's media endpoint with the channel's token; Meta's media id. */
    interface MediaUploads {
        String upload(TenantId tenant, String phoneNumberId, String mimeType, String filename, byte[] bytes);
    }

    /** MIME types Meta accepts per media kind, and each kind's size limit (Meta's media page). */
    static final Map<String, Long> MEDIA_LIMITS = Map.ofEntries(
            Map.entry("image/jpeg", 5L << 20), Map.entry("image/png", 5L << 20), Map.entry("image/webp", 500L << 10),
            Map.entry("audio/aac", 16L << 20), Map.entry("audio/amr", 16L << 20), Map.entry("audio/mpeg", 16L << 20),
            Map.entry("audio/mp4", 16L << 20), Map.entry("audio/ogg", 16L << 20),
            Map.entry("video/mp4", 16L << 20), Map.entry("video/3gpp", 16L << 20),
            Map.entry("application/pdf", 100L << 20), Map.entry("text/plain", 100L << 20),
            Map.entry("application/msword", 100L << 20), Map.entry("application/vnd.ms-excel", 100L << 20),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100L << 20),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100L << 20),
            Map.entry("application/vnd.ms-powerpoint", 100L << 20),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", 100L << 20));

    /**
     * {@code POST /v1/media?channel=..&filename=..}: the raw file as the body, its MIME type as Content-Type.
     * Through API Gateway and Lambda a body stops at 6 MB; larger documents are sent by https link instead.
     */
    APIGatewayV2HTTPResponse uploadMedia(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String channel = HttpResponses.query(event, "channel").orElse("");
        if (!channel.matches("[0-9]{1,32}") || channels.get(tenant, channel).filter(c -> c.status() == io.wabridge.core.channel.Channel.Status.ACTIVE).isEmpty()) {
            return error(404, "channel_unknown", "channel must be one of your active channels (?channel=<phone number id>)", "channel");
        }
        String mime = header(event, "content-type").map(v -> v.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT)).orElse("");
        Long limit = MEDIA_LIMITS.get(mime);
        if (limit == null) {
            return error(415, "invalid_media_type", "Content-Type " + mime + " is not a media type WhatsApp accepts", "Content-Type");
        }
        byte[] bytes = HttpResponses.rawBody(event);
        if (bytes.length == 0 || bytes.length > limit) {
            return error(413, "invalid_media_size", "the file must be 1 byte to " + (limit >> 10) + " KiB for " + mime, "body");
        }
        String filename = HttpResponses.query(event, "filename").orElse("file");
        try {
            return json(201, Map.of("id", uploads.upload(tenant, channel, mime, filename, bytes)));
        } catch (MetaApiException e) {
            return error(502, "meta_refused", "Meta refused the upload (error " + e.code() + ")", null);
        } catch (IllegalStateException e) {
            return error(409, "channel_token_missing", e.getMessage(), "channel");
        }
    }

    private final AcceptSend accept;
    private final Sends sends;
    private final MessageHistory history;
    private final ReadReceipts receipts;
    private final MediaUploads uploads;
    private final io.wabridge.core.channel.Channels channels;
    private final MediaLinks links;

    MessagesController(AcceptSend accept, Sends sends, MessageHistory history, ReadReceipts receipts, MediaUploads uploads,
                       io.wabridge.core.channel.Channels channels, MediaLinks links) {
        this.links = links;
        this.channels = channels;
        this.accept = accept;
        this.sends = sends;
        this.history = history;
        this.receipts = receipts;
        this.uploads = uploads;
    }

    APIGatewayV2HTTPResponse send(TenantId tenant, APIGatewayV2HTTPEvent event) {
        Map<String, Object> body;
        try {
            body = JSON.readValue(HttpResponses.rawBody(event), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            return error(400, "body_invalid", "the body must be a JSON object");
        }
        String type = body.get("type") instanceof String t ? t : null;
        Object callback = body.get("biz_opaque_callback_data");
        if (callback != null && !(callback instanceof String)) {
            return error(400, "invalid_biz_opaque_callback_data", "biz_opaque_callback_data must be a string", "biz_opaque_callback_data");
        }
        Object context = body.get("context");
        String replyTo = context instanceof Map<?, ?> c && c.get("message_id") instanceof String id ? id : null;
        try {
            AcceptSend.Accepted accepted = accept.accept(new SendRequest(tenant, string(body, "channel"), string(body, "to"),
                    OutboundContentJson.parse(type, type == null ? null : body.get(type)),
                    replyTo, header(event, "idempotency-key").orElse(null), (String) callback));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", accepted.id());
            out.put("state", accepted.state());
            if (accepted.repeated()) {
                out.put("repeated", true);
            }
            if (accepted.templateChecked() != null) {
                out.put("templateChecked", accepted.templateChecked());
            }
            return json(202, out);
        } catch (SendRejected e) {
            return io.wabridge.adapters.lambda.HttpRefusals.response(e);
        } catch (io.wabridge.core.send.OutboundQueue.Unavailable e) {
            // Nothing was recorded or sent; a retry with the same Idempotency-Key queues this send under the same id.
            log.warn("send not queued: {}", e.getMessage());
            return error(503, "queue_unavailable", "the send could not be queued and was not accepted; retry (with the same Idempotency-Key)");
        }
    }

    /** A send by its WaBridge id ({@code msg_...}), with Meta's statuses once it has a wamid. */
    Optional<APIGatewayV2HTTPResponse> read(TenantId tenant, String id) {
        Optional<OutboundMessage> m = id.startsWith("msg_") ? sends.get(tenant, id) : sends.byWamid(tenant, id);
        return m.map(message -> json(200, view(tenant, message)));
    }

    /**
     * A send as the SaaS reads it. Its {@code state} agrees with Meta's status: a send Meta accepted and then failed
     * (a status webhook with {@code errors}) reads {@code failed}, and {@code error} says why (Meta's code, title,
     * message and details), as it does for a send Meta refused at once.
     */
    private Map<String, Object> view(TenantId tenant, OutboundMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("channel", m.phoneNumberId().value());
        out.put("to", m.to());
        out.put("direction", "outbound");
        out.put("type", m.type());
        out.put("content", OutboundContentJson.stored(m.content()));
        if (m.replyTo() != null) {
            out.put("context", Map.of("id", m.replyTo()));
        }
        Optional<MessageHistory.StoredMessage> delivery = m.wamid() == null ? Optional.empty()
                : history.message(tenant, m.wamid().value()).filter(s -> s.status() != null);
        boolean failedAtMeta = delivery.map(s -> "failed".equals(s.status())).orElse(false);
        out.put("state", failedAtMeta ? "failed" : m.state().wireName());
        out.put("attempts", m.attempts());
        if (m.callbackData() != null) {
            out.put("bizOpaqueCallbackData", m.callbackData());
        }
        if (failedAtMeta) {
            out.put("error", metaError(delivery.get().errorsJson()));
        } else if (m.state() == io.wabridge.core.send.SendState.FAILED) {
            Map<String, Object> err = new LinkedHashMap<>();
            if (m.errorCode() != null) {
                err.put("code", m.errorCode());
            }
            err.put("message", m.error() == null ? "" : m.error());
            out.put("error", err);
        }
        if (m.errorCode() != null || m.error() != null) {
            Map<String, Object> err = new LinkedHashMap<>();
            if (m.errorCode() != null) {
                err.put("code", m.errorCode());
            }
            if (m.error() != null) {
                err.put("message", m.error());
            }
            out.put("lastError", err);
        }
        out.put("createdAt", m.createdAt().toString());
        out.put("updatedAt", m.updatedAt().toString());
        if (m.wamid() != null) {
            out.put("wamid", m.wamid().value());
            if (m.metaStatus() != null) {
                // How Meta's answer took the send, e.g. held_for_quality_assessment (a marketing template Meta delivers
                // only after its quality check); the statuses below say what happened next.
                out.put("metaStatus", m.metaStatus());
            }
            delivery.ifPresent(s -> {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("current", s.status());
                Map<String, String> times = new LinkedHashMap<>();
                s.statusTimes().forEach((k, v) -> times.put(k, v.toString()));
                status.put("history", times);
                out.put("status", status);
            });
        }
        return out;
    }

    /** Meta's first error of a failed status: {@code {code, title, message, details, href}} (what Meta gave). */
    private static Map<String, Object> metaError(String errorsJson) {
        Map<String, Object> err = new LinkedHashMap<>();
        try {
            var e = errorsJson == null ? JSON.createObjectNode() : JSON.readTree(errorsJson).path(0);
            if (e.path("code").isNumber()) {
                err.put("code", e.path("code").asInt());
            }
            for (String field : java.util.List.of("title", "message", "href")) {
                if (e.hasNonNull(field)) {
                    err.put(field, e.path(field).asText());
                }
            }
            if (e.path("error_data").hasNonNull("details")) {
                err.put("details", e.path("error_data").path("details").asText());
            }
        } catch (IOException unreadable) {
            err.put("message", "Meta reported a failure");
        }
        return err;
    }

    APIGatewayV2HTTPResponse markRead(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String wamid = event.getPathParameters().get("wamid");
        Optional<MessageHistory.StoredMessage> message = history.message(tenant, wamid).filter(m -> "inbound".equals(m.direction()));
        if (message.isEmpty()) {
            return error(404, "message_unknown", "no inbound message " + wamid + " for this tenant");
        }
        boolean typing;
        try {
            var body = HttpResponses.rawBody(event).length == 0 ? JSON.createObjectNode() : JSON.readTree(HttpResponses.rawBody(event));
            typing = body.path("typing").asBoolean(false);
        } catch (IOException e) {
            return error(400, "body_invalid", "the body must be a JSON object (or empty)");
        }
        try {
            receipts.markRead(tenant, message.get().phoneNumberId(), wamid, typing);
        } catch (MetaApiException e) {
            return error(502, "meta_refused", "Meta refused the read receipt (error " + e.code() + ")");
        } catch (IllegalStateException e) {
            return error(409, "channel_token_missing", e.getMessage());
        }
        return json(200, Map.of("id", wamid, "read", true, "typing", typing));
    }

    private static String string(Map<String, Object> body, String key) {
        return body.get(key) instanceof String s ? s : body.get(key) == null ? null : String.valueOf(body.get(key));
    }
    /** A time-limited download link of a message's media. */
    record MediaLink(String url, long expiresInSeconds, String mimeType, Long size) {}

    /** How long a media link works. */
    static final java.time.Duration MEDIA_LINK_TTL = java.time.Duration.ofMinutes(15);

    /** Signs a time-limited download link for a key in the media store. */
    interface MediaLinks {
        String link(String key, java.time.Duration ttl);
    }

    /** A time-limited link to the media bytes of an inbound message, once the media function stored them. */
    APIGatewayV2HTTPResponse media(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String wamid = event.getPathParameters().get("wamid");
        var message = history.message(tenant, wamid);
        if (message.isEmpty()) {
            return error(404, "message_unknown", "no message " + wamid + " for this tenant");
        }
        MessageHistory.MediaState media = message.get().media();
        if (media == null) {
            return error(404, "media_none", "message " + wamid + " has no media, or its fetch has not finished; retry shortly");
        }
        if (!"stored".equals(media.status())) {
            return error(410, "media_unavailable", "Meta no longer has this media (" + media.reason() + ")");
        }
        return json(200, new MediaLink(links.link(media.key(), MEDIA_LINK_TTL), MEDIA_LINK_TTL.toSeconds(), media.mimeType(), media.size()));
    }

    APIGatewayV2HTTPResponse message(TenantId tenant, APIGatewayV2HTTPEvent event) {
        String wamid = event.getPathParameters().get("wamid");
        return history.message(tenant, wamid).map(m -> json(200, MessageView.of(m)))
                .orElseGet(() -> error(404, "message_unknown", "no message " + wamid + " for this tenant"));
    }

}
