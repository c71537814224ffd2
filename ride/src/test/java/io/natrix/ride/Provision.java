package io.natrix.ride;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerExtension;

/** What the demo's admin does before any service starts, for tests that start services themselves. */
public final class Provision {

    private Provision() {
    }

    /** Provisions the ride system's storage on {@code nats}'s servers, as their admin. */
    public static void storage(NatsServerExtension nats, int replicas) {
        storage(nats.url(), nats.security(), replicas);
    }

    /** Provisions the ride system's storage on the server at {@code url}, as the admin of {@code security}. */
    public static void storage(String url, NatsSecurity security, int replicas) {
        Options options = security.as(NatsSecurity.ADMIN, new Options.Builder().servers(url.split(","))).build();
        try (Connection admin = Nats.connect(options)) {
            RideStorage.provision(admin, replicas);
        } catch (Exception e) {
            throw new IllegalStateException("cannot provision the ride storage on " + url, e);
        }
    }
}
