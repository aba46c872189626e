package io.wabridge.functions.signup;

import static io.wabridge.adapters.lambda.HttpResponses.error;
import static io.wabridge.adapters.lambda.HttpResponses.json;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.lambda.HttpRequest;
import io.wabridge.core.Refusal;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.channel.ConnectChannel;
import io.wabridge.core.channel.SignupRejected;
import java.util.List;

/** The tenant's channels: list, read, resume an incomplete onboarding, disconnect. */
final class ChannelsController {

    /** A page of channels; {@code nextCursor} is null on the last page. */
    record Page(List<ChannelView> items, String nextCursor) {}

    private final ConnectChannel connect;
    private final Channels channels;

    ChannelsController(ConnectChannel connect, Channels channels) {
        this.connect = connect;
        this.channels = channels;
    }

    /** {@code GET /v1/channels?limit=&cursor=}. */
    APIGatewayV2HTTPResponse list(HttpRequest r) {
        int limit;
        try {
            limit = Integer.parseInt(r.query("limit").orElse("50"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "limit_invalid", "limit must be a number from 1 to 100");
        }
        Channels.Page page;
        try {
            page = channels.list(r.tenant(), limit, r.query("cursor").orElse(null));
        } catch (IllegalArgumentException | software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
            return error(400, "cursor_invalid", "cursor must be a nextCursor this API returned");
        }
        return json(200, new Page(page.items().stream().map(ChannelView::of).toList(), page.nextCursor()));
    }

    /** {@code GET /v1/channels/{phoneNumberId}}. */
    APIGatewayV2HTTPResponse get(HttpRequest r) {
        String pn = number(r);
        return channels.get(r.tenant(), pn).map(ch -> json(200, ChannelView.of(ch)))
                .orElseGet(() -> error(404, "channel_unknown", "no channel " + pn + " for this tenant"));
    }

    /** {@code POST /v1/channels/{phoneNumberId}/onboarding/resume} {@code {"pin"?}}: the failed steps again. */
    APIGatewayV2HTTPResponse resume(HttpRequest r) {
        var body = SignupController.body(r);
        Channel ch = connect.resume(r.tenant(), number(r), body.path("pin").isMissingNode() ? null : body.path("pin").asText());
        return json(200, ChannelView.Result.of(ch.status().wireName(), ch, null));
    }

    /** {@code DELETE /v1/channels/{phoneNumberId}?deregister=}. */
    APIGatewayV2HTTPResponse disconnect(HttpRequest r) {
        var d = connect.disconnect(r.tenant(), number(r), r.query("deregister").map(Boolean::parseBoolean).orElse(false));
        return json(200, ChannelView.Result.of(d.outcome(), d.channel(), d.detail()));
    }

    private static String number(HttpRequest r) {
        String pn = r.path("phoneNumberId");
        if (pn == null || !pn.matches("[0-9]{1,32}")) {
            throw new SignupRejected(Refusal.Kind.INVALID, "channel_invalid", "phoneNumberId must be Meta's numeric phone number id");
        }
        return pn;
    }
}
