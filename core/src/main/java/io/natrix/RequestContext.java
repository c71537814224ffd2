package io.natrix;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Facts that travel with a request from hop to hop: the request id and the W3C trace context. A handler reads
 * the current one with {@link #current()}; every call or publish made while one is current carries its
 * headers, so a request id set at the gateway reaches every service the request touches.
 *
 * <pre>{@code
 * RequestContext.of(Map.of(RequestContext.REQUEST_ID, "r-42")).call(() ->
 *         natrix.call("ms.users.GetUser", request, User.class));   // carries Natrix-Request-Id: r-42
 * }</pre>
 *
 * <p>Held in a {@link ScopedValue}: it is bound for the extent of {@link #call} or {@link #run} on the current
 * thread, never leaks to unrelated work, and Natrix binds it for each handler from the incoming headers.
 */
public final class RequestContext {

    /** The request id header, set by the gateway or the first caller. */
    public static final String REQUEST_ID = "Natrix-Request-Id";
    /** W3C trace context. */
    public static final String TRACEPARENT = "traceparent";
    /** W3C trace context, vendor part. */
    public static final String TRACESTATE = "tracestate";

    private static final ScopedValue<RequestContext> CURRENT = ScopedValue.newInstance();

    private final Map<String, String> headers;

    private RequestContext(Map<String, String> headers) {
        this.headers = headers;
    }

    /** A context carrying these headers, in this order. */
    public static RequestContext of(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "header name"),
                Objects.requireNonNull(value, "header value")));
        return new RequestContext(Map.copyOf(copy));
    }

    /** The context of the request being handled on this thread, if any. */
    public static Optional<RequestContext> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** Every header this context carries. */
    public Map<String, String> headers() {
        return headers;
    }

    /** One header's value. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The request id, if one was given. */
    public Optional<String> requestId() {
        return header(REQUEST_ID);
    }

    /** Runs {@code operation} with this context current, and returns its result. */
    public <T, X extends Throwable> T call(ScopedValue.CallableOp<? extends T, X> operation) throws X {
        return ScopedValue.where(CURRENT, this).call(operation);
    }

    /** Runs {@code operation} with this context current. */
    public void run(Runnable operation) {
        ScopedValue.where(CURRENT, this).run(operation);
    }

    @Override
    public String toString() {
        return "RequestContext" + headers;
    }
}
