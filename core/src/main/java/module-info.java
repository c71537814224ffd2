/**
 * Natrix's core: microservices over NATS. {@code io.natrix} is the API an application uses (a {@link
 * io.natrix.Natrix} connection, its services, calls and events); {@code io.natrix.spi} is what a library plugs in
 * to watch every hop (metrics, tracing). Nothing else is exported: everything else is package-private in
 * {@code io.natrix}, but for one class jnats builds by name ({@code io.natrix.jnats}, exported to jnats alone).
 */
module io.natrix {
    exports io.natrix;
    exports io.natrix.spi;
    // jnats builds its socket by class name: the one that stops its reader at once on TLS (DefaultNatrix)
    exports io.natrix.jnats to io.nats.jnats;

    // the connection, the JSON codec and the request context's types are part of the API
    requires transitive io.nats.jnats;
    requires transitive com.fasterxml.jackson.databind;
    requires io.github.resilience4j.circuitbreaker;
    requires io.github.resilience4j.core;
    requires HdrHistogram;
    requires java.management; // a reader's CPU clock (ReaderAsCarrier)

    // the discovery and error answers are records read and written by Jackson
    opens io.natrix to com.fasterxml.jackson.databind;
}
