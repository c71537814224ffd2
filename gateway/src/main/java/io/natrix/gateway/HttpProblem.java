package io.natrix.gateway;

import io.natrix.CallInterruptedException;
import io.natrix.CallTimeoutException;
import io.natrix.CircuitOpenException;
import io.natrix.ConnectionException;
import io.natrix.NatrixException;
import io.natrix.NoRespondersException;
import io.natrix.OverloadedException;
import io.natrix.ServiceException;

import java.util.Map;
import java.util.Optional;

/**
 * An HTTP error answer: its status, a message a person can act on, and whether the client should retry
 * after a pause. Built from the gateway's own checks or from a {@link NatrixException}.
 */
final class HttpProblem extends RuntimeException {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(413, "Content Too Large"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(422, "Unprocessable Content"),
            Map.entry(429, "Too Many Requests"), Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"),
            Map.entry(508, "Loop Detected"));

    private final int status;
    private final Optional<Integer> retryAfterSeconds;
    private final Optional<String> challenge;

    HttpProblem(int status, String message) {
        this(status, message, Optional.empty());
    }

    private HttpProblem(int status, String message, Optional<Integer> retryAfterSeconds) {
        this(status, message, retryAfterSeconds, Optional.empty());
    }

    private HttpProblem(int status, String message, Optional<Integer> retryAfterSeconds, Optional<String> challenge) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.challenge = challenge;
    }

    /** A 401 with its {@code WWW-Authenticate} challenge. */
    static HttpProblem unauthorized(String message, String challenge) {
        return new HttpProblem(401, message, Optional.empty(), Optional.of(challenge));
    }

    /** A 429: {@code seconds} until the client may try again. */
    static HttpProblem tooMany(String message, int seconds) {
        return new HttpProblem(429, message, Optional.of(Math.max(1, seconds)));
    }

    /**
     * The failure of a call made for {@code route} ({@code GET /v1/users/{id}}), told in the route's words: the
     * NATS subject it called ({@code subject}) is an internal name a client has no use for, and it stays in the
     * logs and traces.
     */
    static HttpProblem of(NatrixException failure, String subject, String route) {
        HttpProblem problem = of(failure);
        String told = problem.getMessage().replace("'" + subject + "'", route).replace(subject, route);
        return new HttpProblem(problem.status, told, problem.retryAfterSeconds, problem.challenge);
    }

    private static HttpProblem of(NatrixException failure) {
        return switch (failure) {
            case NoRespondersException e -> new HttpProblem(503, e.getMessage(), Optional.of(1));
            case CallTimeoutException e -> new HttpProblem(504, e.getMessage());
            case OverloadedException e -> new HttpProblem(429, e.getMessage(), Optional.of(1));
            case ServiceException e -> new HttpProblem(e.code(), e.getMessage(),
                    e.code() == 503 ? Optional.of(1) : Optional.empty());
            case ConnectionException e -> new HttpProblem(503, "the gateway is not connected to NATS: "
                    + e.getMessage(), Optional.of(1));
            case CallInterruptedException e -> new HttpProblem(503, "the gateway is stopping", Optional.of(1));
            case CircuitOpenException e -> new HttpProblem(503, e.getMessage(),
                    Optional.of((int) Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
        };
    }

    static HttpProblem notConnected(String natsStatus) {
        return new HttpProblem(503, "the gateway has lost NATS (" + natsStatus + "); retry shortly", Optional.of(1));
    }

    /** A 503: jnats could not subscribe just now ({@code why}, its words). */
    static HttpProblem cannotSubscribe(String why) {
        return new HttpProblem(503, "the gateway could not subscribe on NATS just now (" + why + "); retry shortly",
                Optional.of(1));
    }

    static HttpProblem tooManyStreams(int max) {
        return new HttpProblem(503, "this gateway already holds " + max + " streams; retry shortly or use another instance",
                Optional.of(1));
    }

    int status() {
        return status;
    }

    String reason() {
        return REASONS.getOrDefault(status, status >= 500 ? "Server Error" : "Client Error");
    }

    Optional<Integer> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The {@code WWW-Authenticate} value of a 401. */
    Optional<String> challenge() {
        return challenge;
    }
}
