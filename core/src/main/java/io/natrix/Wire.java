package io.natrix;

import io.nats.client.impl.Headers;

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
    /** A dependency of the handler timed out. */
    static final int TIMEOUT = 504;

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

    /** The talk's convention: {@code ms.users.GetUser}. */
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

    /** Headers a handler's own calls pass on; everything else stays on its hop. */
    static final List<String> PROPAGATED = List.of(RequestContext.REQUEST_ID, RequestContext.TRACEPARENT,
            RequestContext.TRACESTATE);

    /** The context to bind for a handler, from the incoming message's headers; null when there is nothing. */
    static RequestContext propagatedContext(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        Map<String, String> carried = new LinkedHashMap<>();
        for (String name : PROPAGATED) {
            String value = headers.getFirst(name);
            if (value != null) {
                carried.put(name, value);
            }
        }
        return carried.isEmpty() ? null : RequestContext.of(carried);
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
