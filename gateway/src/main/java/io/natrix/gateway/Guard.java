package io.natrix.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.natrix.Actor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Applies a route's {@link Access} to a request: finds the bearer token (the {@code Authorization} header, or
 * on the cookie path the {@value #COOKIE} cookie), verifies it, checks role and owner, and sets the actor
 * field. Without a verifier the gateway is open and this lets everything through, as before tokens.
 */
final class Guard {

    static final String COOKIE = "natrix_token";
    /** In an owner's place in a path, the token's own id: {@code /v1/riders/me/nearby}. */
    static final String ME = "me";
    static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");

    /** What a request may go on with: who it acts for, and its parameters with the actor field set. */
    record Admitted(Optional<Actor> actor, Map<String, String> parameters) {
    }

    private final Optional<TokenVerifier> verifier;
    private final Optional<String> cookiePath;
    private final Optional<RateLimits> limits;

    Guard(Optional<TokenVerifier> verifier, Optional<String> cookiePath, Optional<RateLimits> limits) {
        this.verifier = verifier;
        this.cookiePath = cookiePath;
        this.limits = limits;
    }

    boolean authenticates() {
        return verifier.isPresent();
    }

    /** {@code client} gives the client's address, asked for only on an open route (what limits it). */
    Admitted admit(Access access, String path, Headers headers, Map<String, String> parameters, Supplier<String> client) {
        if (verifier.isEmpty()) {
            return new Admitted(Optional.empty(), parameters);
        }
        if (access.anyone()) {
            if (limits.isPresent()) {
                String address = client.get();
                limit(limits.get().open, address, () -> "client address " + address);
            }
            return new Admitted(Optional.empty(), parameters);
        }
        Actor actor = actor(token(path, headers));
        limits.ifPresent(rates -> limit(rates.requests, actor.header(), () -> describe(actor)));
        if (!access.roles().isEmpty() && !access.roles().contains(actor.role())) {
            throw new HttpProblem(403, "this route is for " + describe(access) + "; the token is a "
                    + actor.role().toLowerCase(Locale.ROOT) + "'s");
        }
        if (access.owner().isEmpty() && access.actorField().isEmpty()) {
            return new Admitted(Optional.of(actor), parameters); // nothing to check or set in the parameters
        }
        Map<String, String> admitted = new LinkedHashMap<>(parameters);
        access.owner().ifPresent(parameter -> {
            String named = parameters.get(parameter);
            if (ME.equals(named)) {
                admitted.put(parameter, actor.id()); // "me": the token's own id
            } else if (!actor.id().equals(named) && !actor.admin()) {
                throw new HttpProblem(403, "the token is for " + actor.role().toLowerCase(Locale.ROOT) + " " + actor.id()
                        + ", not " + named);
            }
        });
        access.actorField().ifPresent(field -> admitted.put(field, actor.id()));
        return new Admitted(Optional.of(actor), admitted);
    }

    /** A place for one more stream of the actor's, or a 429; nothing to hold on an open gateway. */
    StreamCounter.Slot streamSlot(Optional<Actor> actor) {
        if (actor.isEmpty() || limits.isEmpty()) {
            return () -> { };
        }
        return limits.get().openStream(actor.get().header(), () -> describe(actor.get()));
    }

    /** Takes one request of {@code key}'s; {@code who} names it in the 429, and is made only then. */
    private static void limit(RateLimits.Rate rate, String key, Supplier<String> who) {
        int retryAfter = rate.take(key);
        if (retryAfter > 0) {
            throw HttpProblem.tooMany("more than " + format(rate.perSecond()) + " requests/s for " + who.get() + "; retry in "
                    + retryAfter + " s", retryAfter);
        }
    }

    private static String format(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }

    private static String describe(Actor actor) {
        return actor.role().toLowerCase(Locale.ROOT) + " " + actor.id();
    }

    /** The actor of a token, or a 401 that says in a word what is wrong with it. */
    Actor actor(Optional<String> token) {
        if (token.isEmpty()) {
            throw HttpProblem.unauthorized("this route needs a bearer token (Authorization: Bearer ...)", "Bearer realm=\"natrix\"");
        }
        try {
            return verifier.orElseThrow().verify(token.get());
        } catch (TokenVerifier.Refused refused) {
            throw HttpProblem.unauthorized("the token is not valid: " + refused.getMessage(),
                    "Bearer realm=\"natrix\", error=\"invalid_token\"");
        }
    }

    /** The header's bearer token; on the cookie path, the cookie's when there is no header. */
    Optional<String> token(String path, Headers headers) {
        Optional<String> authorization = headers.first(HeaderNames.AUTHORIZATION);
        if (authorization.isPresent()) {
            String value = authorization.get().strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(value.substring(7).strip());
            }
            throw HttpProblem.unauthorized("this route needs a bearer token (Authorization: Bearer ...), not another scheme",
                    "Bearer realm=\"natrix\"");
        }
        if (cookiePath.isPresent() && onCookiePath(path)) {
            return cookie(headers);
        }
        return Optional.empty();
    }

    String cookiePath() {
        return cookiePath.orElseThrow();
    }

    boolean onCookiePath(String path) {
        String prefix = cookiePath.orElse(null);
        return prefix != null && (path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    private static Optional<String> cookie(Headers headers) {
        for (String header : headers.all(HeaderNames.COOKIE, java.util.List::of)) {
            for (String pair : header.split(";")) {
                String[] parts = pair.strip().split("=", 2);
                if (parts.length == 2 && parts[0].equals(COOKIE) && !parts[1].isBlank()) {
                    return Optional.of(parts[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(Access access) {
        return String.join(" or ", access.roles().stream().sorted().map(r -> r.toLowerCase(Locale.ROOT) + "s").toList());
    }
}
