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
