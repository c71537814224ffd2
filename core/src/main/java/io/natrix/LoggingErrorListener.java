package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Subscription;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reports what jnats notices through the platform logger, and counts the server's permission violations. A slow consumer is reported and counted (jnats
 * counts the dropped messages per subscription), never a reason to stop a service.
 */
final class LoggingErrorListener implements ErrorListener {

    private static final System.Logger LOG = System.getLogger(Natrix.class.getName());

    private final LongAdder permissionViolations = new LongAdder();

    @Override
    public void errorOccurred(Connection conn, String error) {
        if (error != null && error.toLowerCase(java.util.Locale.ROOT).contains("permissions violation")) {
            permissionViolations.increment();
        }
        LOG.log(Level.WARNING, "NATS server reported an error: {0}", error);
    }

    /** An error the server sent natrix's own core connection: counted and logged as jnats's are. */
    void serverError(String error) {
        errorOccurred(null, error);
    }

    /** The server's "Permissions Violation" errors so far. */
    long permissionViolations() {
        return permissionViolations.sum();
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        LOG.log(Level.WARNING, "NATS connection problem: {0}", exp.toString());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        String what = consumer instanceof Subscription subscription ? "subscription on '" + subscription.getSubject() + "'"
                : "dispatcher";
        LOG.log(Level.WARNING, "slow consumer: a {0} fell behind; {1} messages dropped so far. The service goes on.",
                what, consumer.getDroppedCount());
    }
}
