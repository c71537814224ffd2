package io.natrix.gateway;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code Request-Timeout} header: {@code 500ms}, {@code 2s} or plain milliseconds; never above the route's. */
final class RequestTimeouts {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s)?");

    private RequestTimeouts() {
    }

    static Duration effective(Duration routeTimeout, Optional<String> header) {
        if (header.isEmpty()) {
            return routeTimeout;
        }
        Matcher m = FORMAT.matcher(header.get().trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new HttpProblem(400, "Request-Timeout must be a positive time like 500ms, 2s or 1500 (milliseconds),"
                    + " got '" + header.get() + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration asked = "s".equals(m.group(2)) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        return asked.compareTo(routeTimeout) < 0 ? asked : routeTimeout;
    }
}
