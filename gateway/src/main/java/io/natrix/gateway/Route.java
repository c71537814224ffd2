package io.natrix.gateway;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One REST route: an HTTP method and a path template mapped to a NATS subject.
 *
 * <pre>{@code
 * Route.get("/v1/users/{id}", "ms.users.GetUser")
 * Route.post("/v1/rides", "ms.dispatch.RequestRide").timeout(Duration.ofSeconds(3))
 * }</pre>
 *
 * <p>Path parameters ({@code {id}}), query parameters and the JSON body are merged into one JSON object that
 * becomes the request: query parameters first, then the body's fields, then path parameters, which win.
 *
 * @param method       GET, POST, PUT, PATCH or DELETE
 * @param path         a template such as {@code /v1/users/{id}}
 * @param subject      the NATS subject to call
 * @param timeout      this route's timeout; empty means the gateway's default
 */
public record Route(String method, String path, String subject, Optional<Duration> timeout) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    public Route {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + METHODS + ", got " + method);
        }
        PathTemplate.compile(path); // validates
        if (subject == null || subject.isBlank() || subject.contains(" ")) {
            throw new IllegalArgumentException("not a valid subject: '" + subject + "'");
        }
        timeout.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + t);
            }
        });
    }

    public static Route get(String path, String subject) {
        return new Route("GET", path, subject, Optional.empty());
    }

    public static Route post(String path, String subject) {
        return new Route("POST", path, subject, Optional.empty());
    }

    public static Route put(String path, String subject) {
        return new Route("PUT", path, subject, Optional.empty());
    }

    public static Route patch(String path, String subject) {
        return new Route("PATCH", path, subject, Optional.empty());
    }

    public static Route delete(String path, String subject) {
        return new Route("DELETE", path, subject, Optional.empty());
    }

    /** The same route with its own timeout; a client may ask for less with {@code Request-Timeout}, never more. */
    public Route timeout(Duration timeout) {
        return new Route(method, path, subject, Optional.of(timeout));
    }
}
