package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.RequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves every REST route: match, build the request JSON, call the subject with the request's context, and
 * answer with the reply or the exact HTTP error. Runs on the request's virtual thread and blocks it.
 */
final class RestHandler implements Handler {

    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final HeaderName REQUEST_TIMEOUT = HeaderNames.create("Request-Timeout");
    static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    private final Natrix natrix;
    private final Router router;
    private final Duration defaultTimeout;
    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final Responses responses;

    RestHandler(Natrix natrix, Router router, Duration defaultTimeout, long maxBodyBytes, ObjectMapper json,
                Responses responses) {
        this.natrix = natrix;
        this.router = router;
        this.defaultTimeout = defaultTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.responses = responses;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        String requestId = RequestIds.from(request);
        response.header(REQUEST_ID, requestId);
        try {
            Router.Outcome outcome = router.route(request.prologue().method().text(), request.path().path());
            switch (outcome) {
                case Router.NotFound ignored -> throw new HttpProblem(404, "no route for " + request.prologue().method().text()
                        + " " + request.path().path());
                case Router.MethodNotAllowed notAllowed -> {
                    response.header(HeaderNames.ALLOW, notAllowed.allowed());
                    throw new HttpProblem(405, request.prologue().method().text() + " is not allowed on "
                            + request.path().path() + "; allowed: " + notAllowed.allowed());
                }
                case Router.Found found -> forward(found, request, response, requestId);
            }
        } catch (HttpProblem problem) {
            responses.problem(response, problem, requestId);
        }
    }

    private void forward(Router.Found found, ServerRequest request, ServerResponse response, String requestId) {
        if (natrix.nats().getStatus() != io.nats.client.Connection.Status.CONNECTED) {
            // a request sent now would sit in jnats's reconnect buffer until it timed out: say so at once
            throw HttpProblem.notConnected(natrix.nats().getStatus().name());
        }
        Duration timeout = RequestTimeouts.effective(found.route().timeout().orElse(defaultTimeout),
                request.headers().first(REQUEST_TIMEOUT));
        byte[] body = requestJson(found, request);
        Map<String, String> carried = new LinkedHashMap<>();
        carried.put(RequestContext.REQUEST_ID, requestId);
        request.headers().first(TRACEPARENT).ifPresent(value -> carried.put(RequestContext.TRACEPARENT, value));
        request.headers().first(TRACESTATE).ifPresent(value -> carried.put(RequestContext.TRACESTATE, value));
        byte[] reply;
        try {
            reply = RequestContext.of(carried).call(() -> natrix.call(found.route().subject(), body, byte[].class, timeout));
        } catch (NatrixException failure) {
            throw HttpProblem.of(failure);
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(reply);
    }

    /** Query parameters, then the body's fields, then path parameters, in one JSON object. */
    private byte[] requestJson(Router.Found found, ServerRequest request) {
        ObjectNode merged = json.createObjectNode();
        for (String name : request.query().names()) {
            List<String> values = request.query().all(name);
            if (values.size() == 1) {
                merged.put(name, values.getFirst());
            } else {
                ArrayNode array = merged.putArray(name);
                values.forEach(array::add);
            }
        }
        JsonNode body = readBody(request);
        if (body != null) {
            if (!body.isObject()) {
                throw new HttpProblem(400, "the request body must be a JSON object, got " + body.getNodeType().name().toLowerCase());
            }
            merged.setAll((ObjectNode) body);
        }
        found.pathParameters().forEach(merged::put);
        try {
            return json.writeValueAsBytes(merged);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode readBody(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return null;
        }
        request.headers().contentLength().ifPresent(length -> {
            if (length > maxBodyBytes) {
                throw new HttpProblem(413, "the body is " + length + " bytes; this route accepts at most " + maxBodyBytes);
            }
        });
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!isJson(contentType)) {
            throw new HttpProblem(400, "send the body as JSON with Content-Type: application/json"
                    + (contentType.isEmpty() ? " (none was given)" : " (got " + contentType + ")"));
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        } catch (IOException e) {
            throw new HttpProblem(400, "the body could not be read: " + e.getMessage());
        }
        if (bytes.length > maxBodyBytes) {
            throw new HttpProblem(413, "the body is over " + maxBodyBytes + " bytes, the most this route accepts");
        }
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new HttpProblem(400, "the body is not valid JSON: " + detail);
        }
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase();
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }
}
