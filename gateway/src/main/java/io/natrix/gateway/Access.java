package io.natrix.gateway;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use a route, once the gateway verifies tokens ({@link Gateway.Builder#authentication}): nobody
 * without a valid bearer token unless the route is declared {@link #open()} (default-deny).
 *
 * <pre>{@code
 * Route.post("/v1/riders", "ms.users.RegisterRider").access(Access.open())
 * Route.post("/v1/rides", "ms.dispatch.RequestRide").access(Access.roles("RIDER").actor("riderId"))
 * StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint.{driverId}")
 *         .access(Access.roles("DRIVER").owner("driverId"))
 * }</pre>
 *
 * @param anyone     open to anyone, with or without a token
 * @param roles      the roles allowed; empty: any valid token
 * @param owner      a path parameter that must be the token's subject (403 otherwise), or {@code me}, which
 *                   stands for it; an {@link io.natrix.Actor#ADMIN} passes when the route allows admins
 * @param actorField a request field set to the token's subject whatever the client sent: the body cannot
 *                   choose who acts
 */
public record Access(boolean anyone, Set<String> roles, Optional<String> owner, Optional<String> actorField) {

    public Access {
        roles = Set.copyOf(roles);
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(actorField, "actorField");
        if (anyone && (!roles.isEmpty() || owner.isPresent() || actorField.isPresent())) {
            throw new IllegalArgumentException("an open route has no roles, owner or actor field");
        }
    }

    /** Anyone: a sign-up, a health check. */
    public static Access open() {
        return new Access(true, Set.of(), Optional.empty(), Optional.empty());
    }

    /** Any valid token: what a route gets when it declares nothing. */
    public static Access authenticated() {
        return new Access(false, Set.of(), Optional.empty(), Optional.empty());
    }

    /** A valid token of one of {@code roles}. */
    public static Access roles(String... roles) {
        if (roles.length == 0) {
            throw new IllegalArgumentException("name at least one role, or use authenticated()");
        }
        return new Access(false, Set.of(roles), Optional.empty(), Optional.empty());
    }

    /** The same rule, and path parameter {@code parameter} must be the token's subject. */
    public Access owner(String parameter) {
        return new Access(anyone, roles, Optional.of(parameter), actorField);
    }

    /** The same rule, and request field {@code field} is set to the token's subject. */
    public Access actor(String field) {
        return new Access(anyone, roles, owner, Optional.of(field));
    }
}
