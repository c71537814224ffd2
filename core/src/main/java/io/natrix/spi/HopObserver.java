package io.natrix.spi;

import java.util.Map;

/**
 * Sees every hop a connection serves or makes: metrics and tracing plug in here, and nothing else in Natrix
 * knows about either. Register with {@link io.natrix.Natrix#observe}; {@code natrix-metrics} and {@code natrix-tracing}
 * are two implementations.
 *
 * <p>{@link #begin} runs on the hop's own thread, before the work (for a request refused for overload, on
 * jnats's reader thread): keep it short and never block in it.
 */
@FunctionalInterface
public interface HopObserver {

    /** Code for a hop that ended well, in {@link Scope#end}. */
    int OK = 0;

    /** A hop begins; the scope returned is ended exactly once, when the hop ends. */
    Scope begin(Hop hop);

    /** The hop while it runs. */
    interface Scope {

        /** A scope that adds nothing and records nothing. */
        Scope NONE = (code, message) -> { };

        /**
         * Headers to carry on from here instead of the hop's own: into the handler's {@link io.natrix.RequestContext}
         * (and so into every call it makes), or onto the outgoing message. A tracer puts its new span's
         * {@code traceparent} here.
         */
        default Map<String, String> headers() {
            return Map.of();
        }

        /** Something worth knowing happened during the hop, e.g. a retry. */
        default void note(String event) {
        }

        /**
         * The hop ended: {@link #OK}, or the error code the NATS Services API answer carries (400, 429, 500,
         * 503, 504...) and its message.
         */
        void end(int code, String message);
    }
}
