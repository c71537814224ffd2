package io.natrix.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One hop of a request or event, as a {@link HopObserver} sees it begin: a request served, an event handled,
 * a call made, an event published, or an HTTP request at the gateway.
 *
 * @param kind     what the hop is
 * @param subject  the NATS subject (for {@link Kind#HTTP}, the subject the route forwards to, or the path)
 * @param service  the service serving or handling it; for a call or publish, the service whose handler makes
 *                 it (empty outside any handler)
 * @param instance the instance id serving or handling it; empty on the calling side
 * @param name     the endpoint's name, the listener's subject, or the HTTP route ({@code GET /v1/users/{id}})
 * @param headers  what the hop carries in: the caller's request id and W3C trace context, if any
 */
public record Hop(Kind kind, String subject, String service, String instance, String name, Map<String, String> headers) {

    /** What a hop is. */
    public enum Kind {
        /** An endpoint serving one request. */
        SERVE,
        /** A listener handling one event. */
        LISTEN,
        /** A call: request/reply, fastest or gather, from its start to its answer, retries included. */
        CALL,
        /** An event published. */
        PUBLISH,
        /**
         * An HTTP request at the gateway, from its arrival to its answer (for a stream, to its end); its
         * {@link HopObserver.Scope#end} code is the HTTP status, 499 when the client went away.
         */
        HTTP
    }

    public Hop {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        service = service == null ? "" : service;
        instance = instance == null ? "" : instance;
        name = name == null ? subject : name;
        headers = headers == null ? Map.of() : headers;
    }
}
