package io.natrix.gateway;

import io.nats.client.Connection;
import io.natrix.Natrix;

import java.time.Duration;

/** The gateway's view of its NATS connection. */
final class NatsLink {

    private NatsLink() {
    }

    /** How long a request waits for a lost connection to come back before it is answered 503. */
    static final Duration RECONNECT_PATIENCE = Duration.ofSeconds(2);

    /**
     * Returns once NATS is connected, waiting at most {@code patience} (and {@link #RECONNECT_PATIENCE}) while
     * the connection moves to another server: on a cluster that takes milliseconds when a server dies, and a
     * request that waits for it succeeds where failing at once would have lost it. Fails with 503 when the
     * connection is not back by then.
     */
    static void awaitConnected(Natrix natrix, Duration patience) {
        long giveUp = System.nanoTime() + Math.min(patience.toNanos(), RECONNECT_PATIENCE.toNanos());
        Connection.Status status = natrix.nats().getStatus();
        while (status != Connection.Status.CONNECTED) {
            if (status == Connection.Status.CLOSED || System.nanoTime() > giveUp) {
                throw HttpProblem.notConnected(status.name());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw HttpProblem.notConnected(status.name());
            }
            status = natrix.nats().getStatus();
        }
    }
}
