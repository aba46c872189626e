package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.wabridge.adapters.aws.DynamoDbNotifications;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.notify.RunDueNotifications;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every minute: sends due notifications (see {@link RunDueNotifications}) until 20 seconds before the
 * function's timeout, and logs one summary line per run.
 */
public final class ScheduledNotificationsHandler implements RequestHandler<ScheduledEvent, RunDueNotifications.Summary> {

    private static final Logger log = LoggerFactory.getLogger(ScheduledNotificationsHandler.class);
    /** How long an opt-in link in a fallback event can be used. */
    static final Duration LINK_TTL = Duration.ofDays(7);

    private final RunDueNotifications run;

    public ScheduledNotificationsHandler() {
        this(Wiring.fromSystem());
    }

    public ScheduledNotificationsHandler(Wiring wiring) {
        this(new RunDueNotifications(new DynamoDbNotifications(wiring.dynamo(), wiring.config().tableName()), wiring.acceptSend(),
                wiring.optInLinks(wiring.secrets().get(wiring.config().signupStateSecretArn()).getBytes(StandardCharsets.UTF_8)),
                token -> wiring.config().publicBaseUrl() + "/optin/" + token, wiring.domainEvents(), LINK_TTL, Clock.systemUTC()));
    }

    ScheduledNotificationsHandler(RunDueNotifications run) {
        this.run = run;
    }

    @Override
    public RunDueNotifications.Summary handleRequest(ScheduledEvent event, Context context) {
        long budget = context == null ? 60_000 : Math.max(5_000, context.getRemainingTimeInMillis() - 20_000);
        long started = System.nanoTime();
        RunDueNotifications.Summary s = run.run(Instant.now().plusMillis(budget));
        log.info("notifications run: {} notifications, outcomes {}, {} given back after a failure, {} ms", s.notifications(), s.outcomes(),
                s.failed(), (System.nanoTime() - started) / 1_000_000);
        return s;
    }
}
