package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes the one error shape every gateway failure has. */
final class Responses {

    /** The error body: status, its reason, a message a person can act on, and the request id. */
    record ErrorBody(int status, String error, String message, String requestId) {
    }

    private final ObjectMapper json;

    Responses(ObjectMapper json) {
        this.json = json;
    }

    void problem(ServerResponse response, HttpProblem problem, String requestId) {
        problem.retryAfterSeconds().ifPresent(seconds -> response.header(HeaderNames.RETRY_AFTER, Integer.toString(seconds)));
        problem.challenge().ifPresent(challenge -> response.header(Guard.WWW_AUTHENTICATE, challenge));
        send(response, problem.status(), errorBody(problem, requestId));
    }

    /** The error body of {@code problem}, as JSON bytes (for a server other than Helidon: the ingest port). */
    byte[] errorBody(HttpProblem problem, String requestId) {
        return bytes(new ErrorBody(problem.status(), problem.reason(), problem.getMessage(), requestId));
    }

    void send(ServerResponse response, int status, Object body) {
        send(response, status, bytes(body));
    }

    private void send(ServerResponse response, int status, byte[] body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body);
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
