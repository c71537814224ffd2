package io.natrix.gateway;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.natrix.RequestContext;

import java.util.Map;

/**
 * One HTTP request being served: the request and response, the matched path parameters, and the request's
 * context (request id, trace context) that every NATS message it causes carries.
 */
record Exchange(ServerRequest request, ServerResponse response, Map<String, String> pathParameters,
                String requestId, RequestContext context) {
}
