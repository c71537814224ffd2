package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.natrix.Natrix;
import io.natrix.CallOptions;
import io.natrix.NatrixException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * Serves one REST route: build the request JSON, call the subject with the request's context, and answer
 * with the reply or the exact HTTP error. Runs on the request's virtual thread and blocks it.
 */
final class RestHandler implements Forwarder {

    static final HeaderName REQUEST_TIMEOUT = HeaderNames.create("Request-Timeout");

    private final Natrix natrix;
    private final Route route;
    private final Duration defaultTimeout;
    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final RequestShape shape;

    RestHandler(Natrix natrix, Route route, Duration defaultTimeout, long maxBodyBytes, ObjectMapper json) {
        this.shape = RequestShape.of(json, route.accepts());
        this.natrix = natrix;
        this.route = route;
        this.defaultTimeout = defaultTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
    }

    @Override
    public void serve(Exchange exchange) {
        ServerRequest request = exchange.request();
        Duration timeout = RequestTimeouts.effective(route.timeout().orElse(defaultTimeout),
                request.headers().first(REQUEST_TIMEOUT));
        NatsLink.awaitConnected(natrix, timeout.dividedBy(2));
        byte[] body = requestJson(exchange.pathParameters(), request);
        byte[] reply;
        try {
            reply = exchange.context().call(() -> natrix.call(route.subject(), body, byte[].class, callOptions(timeout)));
        } catch (NatrixException failure) {
            throw HttpProblem.of(failure, route.subject(), route.method() + " " + route.path());
        }
        exchange.response().header(HeaderNames.CONTENT_TYPE, "application/json");
        exchange.response().send(reply);
    }

    /**
     * Retries what is always safe (no instance, an overload: nothing was done); an idempotent route (GET, PUT
     * and DELETE by HTTP's rules, any route declared so) is retried after a timeout, a lost connection or a
     * 503/504 too, within the same deadline and with the same request id.
     */
    private CallOptions callOptions(Duration timeout) {
        CallOptions options = CallOptions.timeout(timeout).retries(2).backoff(Duration.ofMillis(20), Duration.ofMillis(200));
        return route.safeToRepeat() ? options.idempotent() : options;
    }

    /** Query parameters, then the body's fields, then path parameters, in one JSON object of the route's shape. */
    private byte[] requestJson(Map<String, String> pathParameters, ServerRequest request) {
        ObjectNode merged = RequestJson.fromQuery(json, request);
        JsonNode body = readBody(request);
        if (body != null) {
            if (!body.isObject()) {
                throw new HttpProblem(400, "the request body must be a JSON object, got " + body.getNodeType().name().toLowerCase());
            }
            merged.setAll((ObjectNode) body);
        }
        pathParameters.forEach(merged::put);
        shape.require(merged);
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
