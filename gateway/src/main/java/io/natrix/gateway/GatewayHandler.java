package io.natrix.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.natrix.RequestContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** The gateway's one Helidon handler: request id, routing, and the error answer when anything fails. */
final class GatewayHandler implements Handler {

    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    private final Router<Forwarder> router;
    private final Responses responses;

    GatewayHandler(Router<Forwarder> router, Responses responses) {
        this.router = router;
        this.responses = responses;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws Exception {
        String requestId = RequestIds.from(request);
        response.header(REQUEST_ID, requestId);
        String method = request.prologue().method().text();
        String path = request.path().path();
        try {
            switch (router.route(method, path)) {
                case Router.NotFound<Forwarder> ignored -> throw new HttpProblem(404, "no route for " + method + " " + path);
                case Router.MethodNotAllowed<Forwarder> notAllowed -> {
                    response.header(HeaderNames.ALLOW, notAllowed.allowed());
                    throw new HttpProblem(405, method + " is not allowed on " + path + "; allowed: " + notAllowed.allowed());
                }
                case Router.Found<Forwarder> found -> found.target().serve(
                        new Exchange(request, response, found.pathParameters(), requestId, context(request, requestId)));
            }
        } catch (StreamEnded gone) {
            // nothing to send: the connection is closed
        } catch (HttpProblem problem) {
            if (!response.isSent()) {
                responses.problem(response, problem, requestId);
            }
        }
    }

    private static RequestContext context(ServerRequest request, String requestId) {
        Map<String, String> carried = new LinkedHashMap<>();
        carried.put(RequestContext.REQUEST_ID, requestId);
        request.headers().first(TRACEPARENT).ifPresent(value -> carried.put(RequestContext.TRACEPARENT, value));
        request.headers().first(TRACESTATE).ifPresent(value -> carried.put(RequestContext.TRACESTATE, value));
        return RequestContext.of(carried);
    }
}
