package io.natrix;

import io.natrix.testkit.NatsServerExtension;

/** A connection for tests: no JVM shutdown hook, since every test closes what it opens. */
public final class TestNatrix {

    private TestNatrix() {
    }

    public static Natrix connect(NatsServerExtension nats) {
        return Natrix.builder().servers(nats.url()).shutdownHook(false).connect();
    }
}
