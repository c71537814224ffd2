package io.natrix.ride.users;

import io.natrix.Contract;
import io.natrix.ride.users.UserMessages.CreateUser;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UserMessages.Register;
import io.natrix.ride.users.UserMessages.Registered;
import io.natrix.ride.users.UserMessages.UpdateUser;
import io.natrix.ride.users.UserMessages.User;

/**
 * The users service's contract: riders and drivers sign up, and anyone reads or changes a user. The service
 * implements it ({@link UsersService}); the gateway's routes and the NATS permissions name its subjects through
 * the constants below, never as strings of their own.
 */
@Contract(service = "users")
public interface UsersApi {

    /** Every endpoint's subject: {@code ms.users.<Endpoint>}. */
    Contract.Subjects SUBJECTS = Contract.Subjects.of(UsersApi.class);
    /** A rider signs up. */
    String REGISTER_RIDER = SUBJECTS.of("RegisterRider");
    /** A driver signs up. */
    String REGISTER_DRIVER = SUBJECTS.of("RegisterDriver");
    /** A user's name (and phone, for the user itself and admins). */
    String GET_USER = SUBJECTS.of("GetUser");

    /** A user of any role, from inside the system. */
    User createUser(CreateUser request) throws Exception;

    /** A rider's sign-up: the user, and a token when the service mints them. */
    Registered registerRider(Register request) throws Exception;

    /** A driver's sign-up. */
    Registered registerDriver(Register request) throws Exception;

    /** One user, as the request's actor may see it: 404 if there is none. */
    User getUser(GetUser request) throws Exception;

    /** Changes a user's name or phone; only the user itself or an admin may (403). */
    User updateUser(UpdateUser request) throws Exception;
}
