package io.natrix.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names a gateway answers to, against DNS rebinding: a page on {@code evil.example} whose name comes to point
 * at 127.0.0.1 sends {@code Host: evil.example} and is refused (403). A gateway bound to a loopback address
 * answers to the loopback names; one bound elsewhere to the names it is given ({@link Gateway.Builder#hosts}),
 * or to any when it is given none. A WebSocket upgrade from a browser must also come from one of those names
 * ({@code Origin}); one without {@code Origin} is not a browser's and passes.
 */
final class HostCheck {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    private final Optional<Set<String>> names;

    private HostCheck(Optional<Set<String>> names) {
        this.names = names;
    }

    static HostCheck of(String boundHost, Set<String> configured) {
        Set<String> names = new HashSet<>();
        configured.forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        if (LOOPBACK.contains(boundHost) || boundHost.startsWith("127.")) {
            names.addAll(LOOPBACK);
            names.add(boundHost);
        }
        return new HostCheck(names.isEmpty() ? Optional.empty() : Optional.of(Set.copyOf(names)));
    }

    /** Refuses (403) a request whose {@code Host} is not one of the gateway's names. */
    void requireHost(Headers headers) {
        if (names.isEmpty()) {
            return;
        }
        String host = headers.first(HeaderNames.HOST).orElse("");
        if (!names.get().contains(hostname(host))) {
            throw new HttpProblem(403, "unknown host '" + printable(host) + "'");
        }
    }

    /** Refuses (403) a browser's upgrade from a page that is not on one of the gateway's names. */
    void requireOrigin(Headers headers) {
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isEmpty() || names.isEmpty()) {
            return;
        }
        String host;
        try {
            host = Optional.ofNullable(URI.create(origin.get()).getHost()).orElse("").toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            host = "";
        }
        if (!names.get().contains(host)) {
            throw new HttpProblem(403, "a WebSocket from origin '" + printable(origin.get()) + "' is not accepted");
        }
    }

    /** The name in a Host header: without its port, lower case; an IPv6 literal keeps its brackets. */
    private static String hostname(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end < 0 ? name : name.substring(0, end + 1);
        }
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
