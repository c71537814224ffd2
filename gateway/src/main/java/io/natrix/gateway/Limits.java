package io.natrix.gateway;

/**
 * What one identity may ask of a gateway (with {@link Gateway.Builder#authentication}, an identity is a token's
 * actor; on an open route, the client's address). Over a limit: 429 with {@code Retry-After} for that identity
 * alone, everyone else unaffected; an event over its rate is rejected on its stream (the stream goes on).
 * Each gateway instance counts on its own.
 *
 * @param requestsPerSecond  requests an actor may make per second, sustained (streams included, as they open)
 * @param requestBurst       requests an actor may make at once after a quiet while
 * @param openPerSecond      requests a client address may make per second on open routes (sign-ups)
 * @param openBurst          requests a client address may make at once on open routes
 * @param streams            streams an actor may hold at once
 * @param eventsPerSecond    events an actor may publish per second on ingest streams (a driver's positions)
 * @param eventBurst         events an actor may publish at once
 */
public record Limits(double requestsPerSecond, int requestBurst, double openPerSecond, int openBurst, int streams,
                     double eventsPerSecond, int eventBurst) {

    public Limits {
        if (requestsPerSecond <= 0 || openPerSecond <= 0 || eventsPerSecond <= 0) {
            throw new IllegalArgumentException("rates must be positive");
        }
        if (requestBurst < 1 || openBurst < 1 || streams < 1 || eventBurst < 1) {
            throw new IllegalArgumentException("bursts and streams must be at least 1");
        }
    }

    /**
     * 20 requests/s (40 at once) and 4 streams per actor; 5 events/s (10 at once) per actor, five times a
     * driver's one position a second; 200 requests/s (2,000 at once) per address on open routes, enough for a
     * simulator signing up a fleet from one host.
     */
    public static Limits defaults() {
        return new Limits(20, 40, 200, 2_000, 4, 5, 10);
    }

    /** The same, with {@code streams} streams per actor. */
    public Limits streams(int streams) {
        return new Limits(requestsPerSecond, requestBurst, openPerSecond, openBurst, streams, eventsPerSecond, eventBurst);
    }

    /** The same, with {@code perSecond} requests per second and {@code burst} at once per actor. */
    public Limits requests(double perSecond, int burst) {
        return new Limits(perSecond, burst, openPerSecond, openBurst, streams, eventsPerSecond, eventBurst);
    }

    /** The same, with {@code perSecond} requests per second and {@code burst} at once per address on open routes. */
    public Limits open(double perSecond, int burst) {
        return new Limits(requestsPerSecond, requestBurst, perSecond, burst, streams, eventsPerSecond, eventBurst);
    }

    /** The same, with {@code perSecond} events per second and {@code burst} at once per actor. */
    public Limits events(double perSecond, int burst) {
        return new Limits(requestsPerSecond, requestBurst, openPerSecond, openBurst, streams, perSecond, burst);
    }
}
