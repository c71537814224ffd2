package io.natrix.gateway;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.natrix.RequestContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's one Helidon handler: request id, routing, the error answer when anything fails, and the
 * request as an HTTP hop the connection's observers see (its status is the hop's code).
 */
final class GatewayHandler implements Handler {

    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    /** The status recorded for a request whose client went away before the answer (nginx's convention). */
    static final int CLIENT_GONE = 499;
    private static final String UNMATCHED = "unmatched";

    /** What serves a route, and who may use it. */
    record Target(Forwarder forwarder, Access access, boolean stream) {
    }

    private final Router<Target> router;
    private final Guard guard;
    private final HostCheck hosts;
    private final Responses responses;
    private final HopObserver observer;
    private final String instance;

    GatewayHandler(Router<Target> router, Guard guard, HostCheck hosts, Responses responses, HopObserver observer, String instance) {
        this.router = router;
        this.guard = guard;
        this.hosts = hosts;
        this.responses = responses;
        this.observer = observer;
        this.instance = instance;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws Exception {
        String requestId = RequestIds.from(request.headers());
        response.header(REQUEST_ID, requestId);
        String method = request.prologue().method().text();
        String path = request.path().path();
        Router.Outcome<Target> outcome = router.route(method, path);
        RequestContext received = context(request, requestId);
        HopObserver.Scope scope = observer.begin(new Hop(Hop.Kind.HTTP, path, "gateway", instance,
                outcome instanceof Router.Found<Target> found ? found.route() : UNMATCHED, received.headers()));
        int status = Status.INTERNAL_SERVER_ERROR_500.code();
        String problemMessage = null;
        try {
            hosts.requireHost(request.headers());
            switch (outcome) {
                case Router.NotFound<Target> ignored -> throw new HttpProblem(404, "no route for " + method + " " + path);
                case Router.MethodNotAllowed<Target> notAllowed -> {
                    response.header(HeaderNames.ALLOW, notAllowed.allowed());
                    throw new HttpProblem(405, method + " is not allowed on " + path + "; allowed: " + notAllowed.allowed());
                }
                case Router.Found<Target> found -> {
                    Optional<String> login = guard.authenticates() && method.equals("GET") && guard.onCookiePath(path)
                            ? request.query().first("token").asOptional() : Optional.empty();
                    if (login.isPresent()) {
                        logIn(login.get(), path, response);
                    } else {
                        Guard.Admitted admitted = guard.admit(found.target().access(), path, request.headers(),
                                found.pathParameters(), () -> client(request));
                        RequestContext context = carried(received, scope);
                        if (admitted.actor().isPresent()) {
                            context = context.withHeaders(Map.of(RequestContext.ACTOR, admitted.actor().get().header()));
                        }
                        try (StreamCounter.Slot _ = found.target().stream() ? guard.streamSlot(admitted.actor()) : () -> { }) {
                            found.target().forwarder().serve(new Exchange(request, response, admitted.parameters(), requestId, context));
                        }
                    }
                }
            }
            status = response.status().code();
        } catch (StreamEnded | CloseConnectionException gone) {
            status = CLIENT_GONE; // nothing to send: the connection is closed
            problemMessage = "the client went away";
            if (gone instanceof CloseConnectionException closing) {
                throw closing; // Helidon closes the connection on it
            }
        } catch (HttpProblem problem) {
            if (!response.isSent()) {
                responses.problem(response, problem, requestId);
            }
            status = problem.status();
            problemMessage = problem.getMessage();
        } catch (RuntimeException unexpected) {
            problemMessage = unexpected.toString();
            throw unexpected;
        } finally {
            scope.end(status, problemMessage);
        }
    }

    /**
     * A browser's login on the cookie path: the token checked (401 if it is not valid), kept in an HttpOnly
     * cookie scoped to the path prefix, and the browser sent on to the page without it in the address bar.
     */
    private void logIn(String token, String path, ServerResponse response) {
        guard.actor(Optional.of(token));
        response.header(HeaderNames.SET_COOKIE, Guard.COOKIE + "=" + token + "; Path=" + guard.cookiePath()
                + "; HttpOnly; SameSite=Strict");
        response.header(HeaderNames.LOCATION, path);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.status(Status.SEE_OTHER_303);
        response.send();
    }

    /** The client's address, what open routes are limited by. */
    private static String client(ServerRequest request) {
        return request.remotePeer().address() instanceof java.net.InetSocketAddress address
                ? address.getAddress().getHostAddress() : String.valueOf(request.remotePeer().address());
    }

    /** The request's context with what the observers carry on (a tracer's span) over the client's. */
    private static RequestContext carried(RequestContext received, HopObserver.Scope scope) {
        Map<String, String> added = scope.headers();
        return added.isEmpty() ? received : received.withHeaders(added);
    }

    private static RequestContext context(ServerRequest request, String requestId) {
        Map<String, String> carried = new LinkedHashMap<>();
        carried.put(RequestContext.REQUEST_ID, requestId);
        Optional<String> traceparent = TraceHeaders.traceparent(request.headers().first(TRACEPARENT));
        traceparent.ifPresent(value -> carried.put(RequestContext.TRACEPARENT, value));
        if (traceparent.isPresent()) { // a state belongs to its parent: alone it means nothing
            TraceHeaders.tracestate(request.headers().first(TRACESTATE)).ifPresent(value -> carried.put(RequestContext.TRACESTATE, value));
        }
        return RequestContext.of(carried);
    }
}
