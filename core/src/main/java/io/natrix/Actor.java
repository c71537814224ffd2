package io.natrix;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a request acts for: a role ({@code RIDER}, {@code DRIVER}, {@code ADMIN}...) and an id, proven at the edge
 * (the gateway verifies a signed token) and carried to every service the request reaches in the
 * {@value RequestContext#ACTOR} header ({@code RIDER:3f2a...}). Clients cannot set it: the gateway builds a
 * request's context from the token alone. A service reads it with {@link RequestContext#actor()} to check, for
 * defence in depth, what the gateway already checked.
 *
 * @param role the role, upper-case letters and '_'
 * @param id   the user's id: letters, digits, '-' or '_'
 */
public record Actor(String role, String id) {

    private static final Pattern ROLE = Pattern.compile("[A-Z_]{1,32}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** The administrator's role: acts for anyone where a route allows it. */
    public static final String ADMIN = "ADMIN";

    public Actor {
        if (role == null || !ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("an actor's role is 1 to 32 upper-case letters or '_', got " + role);
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("an actor's id is 1 to 128 letters, digits, '-' or '_', got " + id);
        }
    }

    /** Whether this actor is an administrator. */
    public boolean admin() {
        return ADMIN.equals(role);
    }

    /** Whether this actor is {@code role} {@code id}, or an administrator. */
    public boolean isOrAdmin(String role, String id) {
        return admin() || this.role.equals(role) && this.id.equals(Objects.requireNonNull(id, "id"));
    }

    /** As the header carries it: {@code ROLE:id}. */
    public String header() {
        return role + ":" + id;
    }

    /** The actor in a header value; empty when it is not one. */
    public static Optional<Actor> parse(String header) {
        int colon = header == null ? -1 : header.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Actor(header.substring(0, colon), header.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
