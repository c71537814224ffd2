package io.natrix.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Routes from a JSON file:
 * <pre>{@code
 * {"routes": [
 *   {"method": "GET",  "path": "/v1/users/{id}", "subject": "ms.users.GetUser"},
 *   {"method": "POST", "path": "/v1/rides",      "subject": "ms.dispatch.RequestRide", "timeoutMillis": 3000}
 * ]}
 * }</pre>
 */
final class RouteFile {

    record Entry(String method, String path, String subject, Long timeoutMillis, Boolean idempotent, Boolean open,
                 List<String> roles) {
    }

    /**
     * GET, PUT and DELETE are idempotent by HTTP's rules; another method when the file says so. With tokens on,
     * a route needs a valid one unless the file says {@code "open": true}; {@code "roles"} narrows who.
     */
    private static Route route(Entry e) {
        Access access = Boolean.TRUE.equals(e.open()) ? Access.open()
                : e.roles() == null || e.roles().isEmpty() ? Access.authenticated() : Access.roles(e.roles().toArray(String[]::new));
        Route route = new Route(e.method(), e.path(), e.subject(), Optional.ofNullable(e.timeoutMillis()).map(Duration::ofMillis),
                Optional.empty(), Boolean.TRUE.equals(e.idempotent()), access);
        return List.of("GET", "PUT", "DELETE").contains(route.method()) ? route.idempotent() : route;
    }

    record File(List<Entry> routes) {
    }

    private RouteFile() {
    }

    static List<Route> read(Path path) {
        try {
            File file = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(path.toFile(), File.class);
            if (file.routes() == null) {
                throw new IllegalArgumentException(path + " has no \"routes\" list");
            }
            return file.routes().stream()
                    .map(RouteFile::route)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read routes from " + path + ": " + e.getMessage(), e);
        }
    }
}
