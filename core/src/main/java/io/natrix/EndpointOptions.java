package io.natrix;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one endpoint subscribes: its subject, how its instances share requests, how many requests it runs at once
 * and what discovery says of it.
 *
 * <p>Immutable, like every option value in Natrix ({@link CallOptions}, {@link ListenerOptions}, {@link Durable}):
 * start from {@link #defaults()} and each method returns a changed copy. An endpoint either shares requests in a
 * queue group (one instance answers each) or is served by {@linkplain #everyInstance() every instance}; the last
 * of {@link #queueGroup} and {@link #everyInstance} said wins, so no value holds both.
 * <pre>{@code
 * EndpointOptions.defaults().subject("users.get").maxInFlight(200)
 * }</pre>
 */
public final class EndpointOptions {

    /** The bound on concurrent requests per endpoint and instance unless set otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

    private static final EndpointOptions DEFAULTS =
            new EndpointOptions(null, null, false, DEFAULT_MAX_IN_FLIGHT, Map.of(), false);

    private final String subject;     // null: ms.<service>.<Endpoint>
    private final String queueGroup;  // null: the service's name (unless every instance answers)
    private final boolean everyInstance;
    private final int maxInFlight;
    private final Map<String, String> metadata;
    private final boolean nonBlocking;

    private EndpointOptions(String subject, String queueGroup, boolean everyInstance, int maxInFlight,
                            Map<String, String> metadata, boolean nonBlocking) {
        this.subject = subject;
        this.queueGroup = queueGroup;
        this.everyInstance = everyInstance;
        this.maxInFlight = maxInFlight;
        this.metadata = metadata;
        this.nonBlocking = nonBlocking;
    }

    /** Convention subject, the service's name as queue group, {@value #DEFAULT_MAX_IN_FLIGHT} in flight. */
    public static EndpointOptions defaults() {
        return DEFAULTS;
    }

    /** Serve this subject instead of {@code ms.<service>.<Endpoint>}. */
    public EndpointOptions subject(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank() || subject.contains(" ")) {
            throw new IllegalArgumentException("not a valid subject: '" + subject + "'");
        }
        return new EndpointOptions(subject, queueGroup, everyInstance, maxInFlight, metadata, nonBlocking);
    }

    /** Share requests in this queue group instead of one named after the service: one instance answers each. */
    public EndpointOptions queueGroup(String queueGroup) {
        Objects.requireNonNull(queueGroup, "queue group");
        if (queueGroup.isBlank() || queueGroup.contains(" ")) {
            throw new IllegalArgumentException("not a valid queue group: '" + queueGroup + "'");
        }
        return new EndpointOptions(subject, queueGroup, false, maxInFlight, metadata, nonBlocking);
    }

    /** Every instance answers every request: no queue group. Callers use {@link Natrix#gather}. */
    public EndpointOptions everyInstance() {
        return new EndpointOptions(subject, null, true, maxInFlight, metadata, nonBlocking);
    }

    /** Bound the requests this endpoint runs at once in one instance; past it a request is refused with 429. */
    public EndpointOptions maxInFlight(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        return new EndpointOptions(subject, queueGroup, everyInstance, maxInFlight, metadata, nonBlocking);
    }

    /** Facts about the endpoint that discovery shows. */
    public EndpointOptions metadata(Map<String, String> metadata) {
        return new EndpointOptions(subject, queueGroup, everyInstance, maxInFlight, Map.copyOf(metadata), nonBlocking);
    }

    /**
     * The handler is cheap and never blocks (no I/O, no call to another service, no lock held for long): serve
     * each request on the connection's reader thread as it is read, with no hand-off to a thread of its own (as
     * nats.go's handlers that reply inline do). It saves a thread's wake-up per request, most of a round trip's
     * cost at low load. While it runs, the connection reads nothing else, so a handler that breaks its word
     * delays every subscription of the connection, and one that calls another service on it waits for a reply
     * nobody can read. So the rule of a non-blocking listener holds ({@link ListenerOptions#nonBlocking()}): when
     * {@link ListenerOptions#NON_BLOCKING_STRIKES} requests take it longer than
     * {@link ListenerOptions#NON_BLOCKING_LIMIT} within {@link ListenerOptions#NON_BLOCKING_WINDOW}, it is served
     * on virtual threads for 10 minutes and a warning says so. Under load (many requests in flight) requests go to
     * virtual threads anyway.
     */
    public EndpointOptions nonBlocking() {
        return new EndpointOptions(subject, queueGroup, everyInstance, maxInFlight, metadata, true);
    }

    /** The subject served, unless it is the convention's. */
    Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** The queue group the endpoint subscribes in for {@code service}, or none when every instance answers. */
    Optional<String> queueGroupFor(String service) {
        return everyInstance ? Optional.empty() : Optional.of(queueGroup != null ? queueGroup : service);
    }

    int maxInFlight() {
        return maxInFlight;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    boolean nonBlockingHandler() {
        return nonBlocking;
    }

    @Override
    public String toString() {
        return "EndpointOptions[subject=" + (subject == null ? "ms.<service>.<Endpoint>" : subject) + ", "
                + (everyInstance ? "every instance" : "queue group " + (queueGroup == null ? "<service>" : queueGroup))
                + ", maxInFlight=" + maxInFlight + ", metadata=" + metadata + (nonBlocking ? ", non-blocking" : "") + "]";
    }
}
