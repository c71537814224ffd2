package io.natrix.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Finds what serves a method and path, or says why nothing does (404, or 405 with the allowed methods). */
final class Router<T> {

    sealed interface Outcome<T> permits Found, NotFound, MethodNotAllowed {
    }

    /** What serves the request, its path parameters, and the route as written ({@code GET /v1/users/{id}}). */
    record Found<T>(T target, Map<String, String> pathParameters, String route) implements Outcome<T> {
    }

    record NotFound<T>() implements Outcome<T> {
    }

    record MethodNotAllowed<T>(String allowed) implements Outcome<T> {
    }

    /** One routable thing: a method, a path template and what serves it. */
    record Entry<T>(String method, String path, T target) {
    }

    private record Compiled<T>(Entry<T> entry, PathTemplate template) {
    }

    private final List<Compiled<T>> entries;

    Router(List<Entry<T>> entries) {
        this.entries = entries.stream().map(e -> new Compiled<>(e, PathTemplate.compile(e.path()))).toList();
    }

    Outcome<T> route(String method, String path) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Compiled<T> compiled : entries) {
            Optional<Map<String, String>> parameters = compiled.template().match(path);
            if (parameters.isEmpty()) {
                continue;
            }
            if (compiled.entry().method().equals(method)) {
                return new Found<>(compiled.entry().target(), parameters.get(), method + " " + compiled.entry().path());
            }
            allowed.add(compiled.entry().method());
        }
        return allowed.isEmpty() ? new NotFound<>() : new MethodNotAllowed<>(String.join(", ", allowed));
    }
}
