package io.wabridge.functions.outbound;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.wabridge.adapters.config.Components;
import io.wabridge.core.tenant.PurgeOffboardedTenants;
import io.wabridge.core.consent.OptInReminders;
import io.wabridge.core.notify.RunDueNotifications;
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

    private final RunDueNotifications run;
    private final OptInReminders reminders;
    private final PurgeOffboardedTenants purge;

    public ScheduledNotificationsHandler() {
        this(Components.fromEnvironment());
    }

    public ScheduledNotificationsHandler(Components components) {
        this(components.runDueNotifications(), components.optInReminders(), components.purgeOffboardedTenants());
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
