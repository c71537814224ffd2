package io.natrix.ride;

import io.nats.client.Connection;
import io.nats.client.Nats;

/** What the demo's admin does before any service starts, for tests that start services themselves. */
public final class Provision {

    private Provision() {
    }

    /** Provisions the ride system's storage on the (open) server at {@code url}. */
    public static void storage(String url, int replicas) {
        try (Connection admin = Nats.connect(url)) {
            RideStorage.provision(admin, replicas);
        } catch (Exception e) {
            throw new IllegalStateException("cannot provision the ride storage on " + url, e);
        }
    }
}
