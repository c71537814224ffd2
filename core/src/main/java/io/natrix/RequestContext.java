package io.natrix;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Facts that travel with a request from hop to hop: the request id, the W3C trace context, the deadline and
 * the call depth. A handler reads the current one with {@link #current()}; every call or publish made while
 * one is current carries its headers, so a request id set at the gateway reaches every service the request
 * touches, and a nested call never gets more time than its caller has left ({@link #remaining()}).
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
    /** Who the request acts for ({@link Actor}), set by the gateway from a verified token. */
    public static final String ACTOR = "Natrix-Actor";

    private static final ScopedValue<RequestContext> CURRENT = ScopedValue.newInstance();

    private static final long NO_DEADLINE = Long.MIN_VALUE;

    /** No headers, no deadline, depth 0: the context of work outside any request (nothing to bind). */
    static final RequestContext EMPTY = new RequestContext(Map.of(), NO_DEADLINE, 0);

    private final Map<String, String> headers;
    private final long deadlineNanos; // System.nanoTime() based, or NO_DEADLINE
    private final int depth;
    private final String service; // the service whose handler runs in this context; never sent

    private RequestContext(Map<String, String> headers, long deadlineNanos, int depth) {
        this(headers, deadlineNanos, depth, "");
    }

    private RequestContext(Map<String, String> headers, long deadlineNanos, int depth, String service) {
        this.headers = headers;
        this.deadlineNanos = deadlineNanos;
        this.depth = depth;
        this.service = service;
    }

    /** A context carrying these headers, in this order. */
    public static RequestContext of(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "header name"),
                Objects.requireNonNull(value, "header value")));
        return new RequestContext(Map.copyOf(copy), NO_DEADLINE, 0);
    }

    /** The context a handler runs in: the caller's headers, its time budget from now, and its call depth. */
    static RequestContext received(Map<String, String> headers, Duration budget, int depth) {
        return new RequestContext(headers.isEmpty() ? Map.of() : Map.copyOf(headers),
                budget == null ? NO_DEADLINE : System.nanoTime() + budget.toNanos(), depth);
    }

    /**
     * This context with a deadline {@code budget} from now, or its own deadline if that comes first: bind it
     * to give a piece of work (and every call it makes) at most that long.
     */
    public RequestContext withDeadline(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        if (deadlineNanos != NO_DEADLINE && deadlineNanos - deadline < 0) {
            deadline = deadlineNanos;
        }
        return new RequestContext(headers, deadline, depth, service);
    }

    /**
     * This context with {@code added} over its own headers, deadline and depth unchanged: how an observer's
     * headers (a tracer's {@code traceparent}) are carried on from a hop.
     */
    public RequestContext withHeaders(Map<String, String> added) {
        Map<String, String> merged = new HashMap<>(headers.size() + added.size() + 2);
        merged.putAll(headers);
        added.forEach((name, value) -> merged.put(Objects.requireNonNull(name, "header name"),
                Objects.requireNonNull(value, "header value")));
        return new RequestContext(Collections.unmodifiableMap(merged), deadlineNanos, depth, service);
    }

    /** This context, as the one {@code service}'s handler runs in. */
    RequestContext servedBy(String service) {
        return new RequestContext(headers, deadlineNanos, depth, service);
    }

    /** The service whose handler runs in this context, empty outside any handler. */
    String service() {
        return service;
    }

    /**
     * The time left before the caller gives up, if the request has a deadline (every Natrix call sets one): a
     * handler can skip optional work when little is left, and Natrix gives nested calls at most this long.
     * Zero or negative once the deadline has passed.
     */
    public Optional<Duration> remaining() {
        return deadlineNanos == NO_DEADLINE ? Optional.empty() : Optional.of(Duration.ofNanos(deadlineNanos - System.nanoTime()));
    }

    /** How many calls deep this request is: 1 in a handler called from outside any handler, 0 outside a handler. */
    public int depth() {
        return depth;
    }

    /** The context of the request being handled on this thread, if any. */
    public static Optional<RequestContext> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** The context of the request being handled on this thread, or {@link #EMPTY} outside any. */
    static RequestContext currentOrEmpty() {
        return CURRENT.isBound() ? CURRENT.get() : EMPTY;
    }

    /**
     * Runs {@code operation} with this context current; the empty context is not bound (work outside a request
     * stays outside one, and an event with nothing to carry costs no binding).
     */
    <T> T within(Supplier<T> operation) {
        return this == EMPTY ? operation.get() : call(operation::get);
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

    /** Who the request acts for, when it came through an authenticating gateway. */
    public Optional<Actor> actor() {
        return header(ACTOR).flatMap(Actor::parse);
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
        return "RequestContext" + headers + remaining().map(left -> " remaining " + left.toMillis() + " ms").orElse("")
                + (depth > 0 ? " depth " + depth : "");
    }
}
