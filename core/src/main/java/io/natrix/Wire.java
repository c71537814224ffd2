package io.natrix;

import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The wire contract in one place: subjects, headers, type strings and error codes.
 *
 * <p>Everything another NATS client needs to talk to a Natrix service is named here, and
 * {@code docs/architecture.md} describes the same facts for people. The discovery verbs and JSON shapes are
 * those of the NATS Services API ({@code io.nats.micro.v1}), so existing NATS tooling sees Natrix services.
 */
final class Wire {

    /** Header naming the error of a failed request (NATS Services API). */
    static final String ERROR_HEADER = "Nats-Service-Error";
    /** Header carrying the numeric error code of a failed request (NATS Services API). */
    static final String ERROR_CODE_HEADER = "Nats-Service-Error-Code";

    /** The request body is not valid JSON for the endpoint's request type. */
    static final int BAD_REQUEST = 400;
    /** The instance has more requests in flight than its bound; back off and retry. */
    static final int OVERLOADED = 429;
    /** The handler failed unexpectedly; the message never carries a stack trace. */
    static final int INTERNAL = 500;
    /** A reply arrived but could not be read as the caller's reply type. */
    static final int BAD_REPLY = 502;
    /** A dependency of the handler had no instance running, or the instance is stopping. */
    static final int UNAVAILABLE = 503;
    /** A dependency of the handler timed out, or the caller's deadline passed before the work began. */
    static final int TIMEOUT = 504;
    /** Calls nested deeper than {@link #MAX_DEPTH}: most likely services calling each other in a loop. */
    static final int LOOP_DETECTED = 508;

    /** Header with the caller's time budget in milliseconds when the request was sent; the deadline travels. */
    static final String TIMEOUT_HEADER = "Natrix-Timeout";
    /** Header with the call depth: 1 for a call from outside any handler, one more per nested call. */
    static final String DEPTH_HEADER = "Natrix-Depth";
    /** The deepest a chain of nested calls may go. */
    static final int MAX_DEPTH = 16;

    static final String SUBJECT_PREFIX = "ms";
    static final String DISCOVERY_PREFIX = "$SRV";
    static final String PING = "PING";
    static final String INFO = "INFO";
    static final String STATS = "STATS";

    static final String PING_TYPE = "io.nats.micro.v1.ping_response";
    static final String INFO_TYPE = "io.nats.micro.v1.info_response";
    static final String STATS_TYPE = "io.nats.micro.v1.stats_response";

    /** Service and endpoint names, as the NATS Services API allows them. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Semantic versions, as the NATS Services API requires them. */
    static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$");

    private Wire() {
    }

    /** The convention: {@code ms.<service>.<Endpoint>}, e.g. {@code ms.users.GetUser}. */
    static String endpointSubject(String service, String endpoint) {
        return SUBJECT_PREFIX + "." + service + "." + endpoint;
    }

    /** {@code $SRV.PING}, {@code $SRV.PING.users} or {@code $SRV.PING.users.<id>}. */
    static String discoverySubject(String verb, String service, String id) {
        StringBuilder subject = new StringBuilder(DISCOVERY_PREFIX).append('.').append(verb);
        if (service != null) {
            subject.append('.').append(service);
            if (id != null) {
                subject.append('.').append(id);
            }
        }
        return subject.toString();
    }

    /**
     * Headers a handler's own calls pass on; everything else stays on its hop. The actor travels like the
     * request id: a nested call acts for the same user (NATS permissions decide who may publish requests at all).
     */
    static final List<String> PROPAGATED = List.of(RequestContext.REQUEST_ID, RequestContext.TRACEPARENT,
            RequestContext.TRACESTATE, RequestContext.ACTOR);

    /**
     * The context to bind for a handler, from the incoming message's headers (its deadline counted from now);
     * {@link RequestContext#EMPTY} when there is nothing to carry.
     */
    static RequestContext propagatedContext(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return RequestContext.EMPTY;
        }
        Map<String, String> carried = Map.of();
        for (String name : PROPAGATED) {
            String value = headers.getFirst(name);
            if (value != null) {
                if (carried.isEmpty()) {
                    carried = new LinkedHashMap<>();
                }
                carried.put(name, value);
            }
        }
        Duration budget = null;
        String timeout = headers.getFirst(TIMEOUT_HEADER);
        if (timeout != null) {
            try {
                budget = Duration.ofMillis(Long.parseLong(timeout.trim()));
            } catch (NumberFormatException malformed) {
                // another client's odd header: no deadline rather than a refused request
            }
        }
        int depth = 0;
        String depthHeader = headers.getFirst(DEPTH_HEADER);
        if (depthHeader != null) {
            try {
                depth = Math.max(0, Integer.parseInt(depthHeader.trim()));
            } catch (NumberFormatException malformed) {
                // as above
            }
        }
        return carried.isEmpty() && budget == null && depth == 0 ? RequestContext.EMPTY
                : RequestContext.received(carried, budget, depth);
    }

    /** Headers for a request: what the current context carries, the time budget and the depth. */
    static byte[] requestHeaders(RequestContext context, Duration budget, int depth) {
        HeaderLines headers = new HeaderLines();
        context.headers().forEach(headers::add);
        headers.add(TIMEOUT_HEADER, Long.toString(Math.max(1, budget.toMillis())));
        headers.add(DEPTH_HEADER, Integer.toString(depth));
        return headers.bytes();
    }

    /** The code a failed call amounts to: the service's own, or what the failure means for the caller. */
    static int codeOf(NatrixException failure) {
        return switch (failure) {
            case ServiceException service -> service.code();
            case OverloadedException overloaded -> OVERLOADED;
            case CallTimeoutException timeout -> TIMEOUT;
            case NoRespondersException none -> UNAVAILABLE;
            case CircuitOpenException open -> UNAVAILABLE;
            case ConnectionException lost -> UNAVAILABLE;
            case CallInterruptedException interrupted -> UNAVAILABLE;
        };
    }

    /** The failure an error answer's headers carry: the inverse of {@link #codeOf}, for the caller's side. */
    static NatrixException failureOf(String subject, Headers headers) {
        String message = headers.getFirst(ERROR_HEADER);
        int code;
        try {
            code = Integer.parseInt(headers.getFirst(ERROR_CODE_HEADER).trim());
        } catch (NumberFormatException e) {
            code = INTERNAL;
        }
        if (code == OVERLOADED) {
            return new OverloadedException(subject, message);
        }
        return new ServiceException(subject, code < 400 || code > 599 ? INTERNAL : code,
                message == null ? "error " + code : message);
    }

    static String tooLarge(String what, long size, long maxPayload) {
        return what + " is " + size + " bytes, over the NATS server's max_payload of " + maxPayload
                + " bytes; send large data in chunks (JetStream object store) or raise max_payload";
    }

    static String requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what + " must be letters, digits, '-' or '_' (NATS Services API), got: " + name);
        }
        return name;
    }
}
