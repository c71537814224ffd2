package io.natrix.gateway;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client's W3C trace context, passed on to NATS only when well formed: a {@code traceparent} of version 00
 * with non-zero ids, a {@code tracestate} of at most 512 printable characters. Anything else is dropped (the trace
 * starts here, as W3C Trace Context says), so a client cannot smuggle arbitrary text into every service's headers.
 */
final class TraceHeaders {

    private static final Pattern TRACEPARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern TRACESTATE = Pattern.compile("[\\x20-\\x7e]{1,512}");

    private TraceHeaders() {
    }

    static Optional<String> traceparent(Optional<String> given) {
        return given.filter(value -> TRACEPARENT.matcher(value).matches());
    }

    static Optional<String> tracestate(Optional<String> given) {
        return given.filter(value -> TRACESTATE.matcher(value).matches());
    }
}
