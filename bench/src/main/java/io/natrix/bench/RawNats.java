package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;

/**
 * A raw jnats connection for the benchmarks, with the one option natrix sets that bears on speed: no flush
 * forced on every request (jnats forces one by default; natrix turns it off, so a raw peer that kept it would
 * be compared with a handicap).
 */
final class RawNats {

    private RawNats() {
    }

    /** A secured run's peers connect as the bench's peer user, over TLS ({@link PeerSecurity}). */
    static Options.Builder options(String url, String name) {
        Options.Builder options = new Options.Builder().server(url).connectionName(name).dontForceFlushOnRequest();
        return PeerSecurity.inherited().map(security -> security.as(PeerSecurity.USER, options)).orElse(options);
    }

    static Connection connect(String url, String name) throws IOException, InterruptedException {
        return Nats.connect(options(url, name).build());
    }
}
