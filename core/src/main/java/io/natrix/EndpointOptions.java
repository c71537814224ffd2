package io.natrix;

import java.util.Map;
import java.util.Optional;

/**
 * How one endpoint subscribes: its subject, its queue group and how many requests it runs at once.
 *
 * <p>Immutable; start from {@link #defaults()} and change what you need:
 * <pre>{@code
 * EndpointOptions.defaults().subject("users.get").maxInFlight(200)
 * }</pre>
 *
 * @param subject     the subject to serve; empty means the talk's convention {@code ms.<service>.<Endpoint>}
 * @param queueGroup  the queue group; empty means the service's name, so instances share the load
 * @param balanced    false to have every instance answer every request (for {@link Natrix#gather})
 * @param maxInFlight requests run at once by this instance; past it a request is refused with code 429
 * @param metadata    free-form facts published through discovery
 */
public record EndpointOptions(Optional<String> subject, Optional<String> queueGroup, boolean balanced,
                              int maxInFlight, Map<String, String> metadata) {

    /** The bound on concurrent requests per endpoint and instance unless set otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

    private static final EndpointOptions DEFAULTS =
            new EndpointOptions(Optional.empty(), Optional.empty(), true, DEFAULT_MAX_IN_FLIGHT, Map.of());

    public EndpointOptions {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        subject.ifPresent(s -> {
            if (s.isBlank() || s.contains(" ")) {
                throw new IllegalArgumentException("not a valid subject: '" + s + "'");
            }
        });
        metadata = Map.copyOf(metadata);
    }

    /** Convention subject, service-named queue group, {@value #DEFAULT_MAX_IN_FLIGHT} in flight. */
    public static EndpointOptions defaults() {
        return DEFAULTS;
    }

    /** Serve this subject instead of {@code ms.<service>.<Endpoint>}. */
    public EndpointOptions subject(String subject) {
        return new EndpointOptions(Optional.of(subject), queueGroup, balanced, maxInFlight, metadata);
    }

    /** Share load in this queue group instead of the service's name. */
    public EndpointOptions queueGroup(String queueGroup) {
        return new EndpointOptions(subject, Optional.of(queueGroup), true, maxInFlight, metadata);
    }

    /** Every instance answers every request: no queue group. Callers use {@link Natrix#gather}. */
    public EndpointOptions everyInstance() {
        return new EndpointOptions(subject, Optional.empty(), false, maxInFlight, metadata);
    }

    /** Bound the requests this endpoint runs at once in one instance. */
    public EndpointOptions maxInFlight(int maxInFlight) {
        return new EndpointOptions(subject, queueGroup, balanced, maxInFlight, metadata);
    }

    /** Facts about the endpoint that discovery shows. */
    public EndpointOptions metadata(Map<String, String> metadata) {
        return new EndpointOptions(subject, queueGroup, balanced, maxInFlight, metadata);
    }
}
