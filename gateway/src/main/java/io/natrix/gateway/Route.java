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
 * Route.post("/v1/rides", "ms.dispatch.RequestRide").timeout(Duration.ofSeconds(3)).accepts(RequestRide.class)
 * }</pre>
 *
 * <p>Path parameters ({@code {id}}), query parameters and the JSON body are merged into one JSON object that
 * becomes the request: query parameters first, then the body's fields, then path parameters, which win.
 *
 * @param method       GET, POST, PUT, PATCH or DELETE
 * @param path         a template such as {@code /v1/users/{id}}
 * @param subject      the NATS subject to call
 * @param timeout      this route's timeout; empty means the gateway's default
 * @param accepts      the type the request must decode to before it is forwarded ({@link #accepts(Class)});
 *                     empty means any JSON object
 * @param safeToRepeat whether the service makes a repeat of this request harmless, so the gateway may send it
 *                     again after a timeout or a lost connection ({@link #idempotent()}); GET, PUT and DELETE
 *                     are by HTTP's rules
 * @param access       who may use it once the gateway verifies tokens ({@link #access(Access)}); any valid token
 *                     unless declared otherwise
 */
public record Route(String method, String path, String subject, Optional<Duration> timeout, Optional<Class<?>> accepts,
                    boolean safeToRepeat, Access access) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    public Route {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + METHODS + ", got " + method);
        }
        PathTemplate.compile(path); // validates
        SubjectTemplate.check(subject);
        Objects.requireNonNull(accepts, "accepts");
        Objects.requireNonNull(access, "access");
        timeout.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + t);
            }
        });
    }

    public static Route get(String path, String subject) {
        return new Route("GET", path, subject, Optional.empty(), Optional.empty(), true, Access.authenticated());
    }

    public static Route post(String path, String subject) {
        return new Route("POST", path, subject, Optional.empty(), Optional.empty(), false, Access.authenticated());
    }

    public static Route put(String path, String subject) {
        return new Route("PUT", path, subject, Optional.empty(), Optional.empty(), true, Access.authenticated());
    }

    public static Route patch(String path, String subject) {
        return new Route("PATCH", path, subject, Optional.empty(), Optional.empty(), false, Access.authenticated());
    }

    public static Route delete(String path, String subject) {
        return new Route("DELETE", path, subject, Optional.empty(), Optional.empty(), true, Access.authenticated());
    }

    /** The same route with its own timeout; a client may ask for less with {@code Request-Timeout}, never more. */
    public Route timeout(Duration timeout) {
        return new Route(method, path, subject, Optional.of(timeout), accepts, safeToRepeat, access);
    }

    /**
     * The same route, checked at the edge: the request (query, body and path parameters merged) must decode to
     * {@code type}, or the client gets a 400 naming the field and the rule, and the service is never asked. A
     * record that checks its fields in its constructor (throwing {@link IllegalArgumentException}) is the one
     * statement of its rules, for the gateway and the service alike. Unknown fields are allowed.
     */
    public Route accepts(Class<?> type) {
        return new Route(method, path, subject, timeout, Optional.of(type), safeToRepeat, access);
    }

    /**
     * The same route, declared safe to repeat: its service answers a request sent twice as it answered it once
     * (it deduplicates by the request id, which every attempt carries, or by the state the request leads to).
     * The gateway then sends it again after a timeout or a lost connection, within the route's one deadline, as
     * it does for GET, PUT and DELETE: a client's request survives a NATS server's death or a service instance's.
     */
    public Route idempotent() {
        return new Route(method, path, subject, timeout, accepts, true, access);
    }

    /** The same route for whom {@code access} allows ({@link Access}; the default is any valid token). */
    public Route access(Access access) {
        return new Route(method, path, subject, timeout, accepts, safeToRepeat, access);
    }
}
