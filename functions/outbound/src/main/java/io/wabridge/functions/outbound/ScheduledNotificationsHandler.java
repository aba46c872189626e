package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.wabridge.adapters.aws.DynamoDbNotifications;
import io.wabridge.adapters.aws.DynamoDbContactData;
import io.wabridge.adapters.aws.DynamoDbOutbox;
import io.wabridge.adapters.aws.DynamoDbTenantPurge;
import io.wabridge.core.tenant.PurgeOffboardedTenants;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.consent.OptInReminders;
import io.wabridge.core.tenant.TenantSettings;
import io.wabridge.core.notify.RunDueNotifications;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every minute: sends due notifications (see {@link RunDueNotifications}), then due opt-in reminders
 * ({@link OptInReminders}), then purges offboarded tenants whose grace period ended
 * ({@link PurgeOffboardedTenants}), until 20 seconds before the function's timeout; one summary line per run.
 */
public final class ScheduledNotificationsHandler implements RequestHandler<ScheduledEvent, RunDueNotifications.Summary> {

    private static final Logger log = LoggerFactory.getLogger(ScheduledNotificationsHandler.class);
    /** How long an opt-in link in a fallback event can be used. */
    static final Duration LINK_TTL = Duration.ofDays(7);

    private final RunDueNotifications run;
    private final OptInReminders reminders;
    private final PurgeOffboardedTenants purge;

    public ScheduledNotificationsHandler() {
        this(Wiring.fromSystem());
    }

    public ScheduledNotificationsHandler(Wiring wiring) {
        this(wiring, new DynamoDbNotifications(wiring.dynamo(), wiring.config().tableName()),
                wiring.optInLinks(wiring.secrets().get(wiring.config().signupStateSecretArn()).getBytes(StandardCharsets.UTF_8)));
    }

    private ScheduledNotificationsHandler(Wiring wiring, DynamoDbNotifications store, OptInLinks links) {
        this(wiring, store, links, token -> wiring.config().publicBaseUrl() + "/optin/" + token);
    }

    /** @param linkUrl the public opt-in page of a link token */
    private ScheduledNotificationsHandler(Wiring wiring, DynamoDbNotifications store, OptInLinks links,
                                          java.util.function.Function<String, String> linkUrl) {
        this(new RunDueNotifications(store, wiring.acceptSend(), links, linkUrl, wiring.domainEvents(), LINK_TTL, Clock.systemUTC()),
                new OptInReminders(store, wiring.consentLedger(), new DynamoDbOutbox(wiring.dynamo(), wiring.config().tableName(), Clock.systemUTC()),
                        t -> wiring.settings().get(t).orElse(TenantSettings.defaults()), wiring::consentReply, links, linkUrl,
                        wiring.domainEvents(), Clock.systemUTC()),
                purge(wiring));
    }

    private static PurgeOffboardedTenants purge(Wiring wiring) {
        var contacts = new DynamoDbContactData(wiring.dynamo(), wiring.config().tableName(), wiring::media);
        return new PurgeOffboardedTenants(new DynamoDbTenantPurge(wiring.dynamo(), wiring.config().tableName(), contacts), contacts,
                Clock.systemUTC());
    }

    ScheduledNotificationsHandler(RunDueNotifications run, OptInReminders reminders, PurgeOffboardedTenants purge) {
        this.run = run;
        this.reminders = reminders;
        this.purge = purge;
    }

    @Override
    public RunDueNotifications.Summary handleRequest(ScheduledEvent event, Context context) {
        return Invocation.run(context, () -> handle(event, context));
    }

    private RunDueNotifications.Summary handle(ScheduledEvent event, Context context) {
        long budget = context == null ? 60_000 : Math.max(5_000, context.getRemainingTimeInMillis() - 20_000);
        long started = System.nanoTime();
        Instant deadline = Instant.now().plusMillis(budget);
        RunDueNotifications.Summary s = run.run(deadline);
        int reminded = reminders.run(deadline);
        int purged = purge.run(deadline);
        log.info("notifications run: {} notifications, outcomes {}, {} given back after a failure, {} opt-in reminders, {} offboarded tenants purged,"
                + " {} ms", s.notifications(), s.outcomes(), s.failed(), reminded, purged, (System.nanoTime() - started) / 1_000_000);
        return s;
    }
}
