package io.natrix.ride.users;

/** The users service's wire messages (JSON). */
public final class UserMessages {

    private UserMessages() {
    }

    /** Riders and drivers. */
    public enum Role { RIDER, DRIVER }

    /** A stored user. {@code revision} changes on every update. */
    public record User(String id, Role role, String name, String phone, long createdAt, long revision) {
    }

    /**
     * The answer to a sign-up: the user, and the bearer token that proves it (with when the token expires,
     * ISO-8601), when the users service mints tokens; both null on an open system.
     */
    public record Registered(String id, Role role, String name, String phone, long createdAt, long revision,
                             String token, String tokenExpiresAt) {

        static Registered of(User user, java.util.Optional<io.natrix.gateway.TokenIssuer.Token> token) {
            return new Registered(user.id(), user.role(), user.name(), user.phone(), user.createdAt(), user.revision(),
                    token.map(io.natrix.gateway.TokenIssuer.Token::value).orElse(null),
                    token.map(t -> t.expiresAt().toString()).orElse(null));
        }
    }

    /** {@code ms.users.CreateUser}. */
    public record CreateUser(Role role, String name, String phone) {
    }

    /** {@code ms.users.RegisterRider} and {@code ms.users.RegisterDriver}: the role is in the subject. */
    public record Register(String name, String phone) {
    }

    /** {@code ms.users.GetUser}. */
    public record GetUser(String id) {
    }

    /** {@code ms.users.UpdateUser}: fields left null stay as they are. */
    public record UpdateUser(String id, String name, String phone) {
    }
}
