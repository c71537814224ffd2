package io.natrix;

import io.natrix.testkit.NatsServerExtension;

/** A connection for tests: no JVM shutdown hook, since every test closes what it opens. */
public final class TestNatrix {

    private TestNatrix() {
    }

    public static Natrix connect(NatsServerExtension nats) {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    /**
     * Closes both of {@code natrix}'s NATS connections without draining its services, as if its process died:
     * what its handlers still answer goes nowhere.
     */
    public static void vanish(Natrix natrix) throws InterruptedException {
        ((DefaultNatrix) natrix).core().close();
        natrix.nats().close();
    }
}
