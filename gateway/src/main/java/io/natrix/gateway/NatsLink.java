package io.natrix.gateway;

import io.nats.client.Connection;
import io.natrix.Natrix;

/** The gateway's view of its NATS connection. */
final class NatsLink {

    private NatsLink() {
    }

    /** Fails with 503 at once when NATS is not connected: a message sent now would wait in a reconnect buffer. */
    static void requireConnected(Natrix natrix) {
        Connection.Status status = natrix.nats().getStatus();
        if (status != Connection.Status.CONNECTED) {
            throw HttpProblem.notConnected(status.name());
        }
    }
}
