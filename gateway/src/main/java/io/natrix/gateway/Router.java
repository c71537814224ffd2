package io.natrix.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Finds the route for a method and path, or says why there is none (404, or 405 with the allowed methods). */
final class Router {

    sealed interface Outcome permits Found, NotFound, MethodNotAllowed {
    }

    record Found(Route route, Map<String, String> pathParameters) implements Outcome {
    }

    record NotFound() implements Outcome {
    }

    record MethodNotAllowed(String allowed) implements Outcome {
    }

    private record Compiled(Route route, PathTemplate template) {
    }

    private final List<Compiled> routes;

    Router(List<Route> routes) {
        this.routes = routes.stream().map(r -> new Compiled(r, PathTemplate.compile(r.path()))).toList();
    }

    Outcome route(String method, String path) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Compiled compiled : routes) {
            Optional<Map<String, String>> parameters = compiled.template().match(path);
            if (parameters.isEmpty()) {
                continue;
            }
            if (compiled.route().method().equals(method)) {
                return new Found(compiled.route(), parameters.get());
            }
            allowed.add(compiled.route().method());
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(String.join(", ", allowed));
    }
}
