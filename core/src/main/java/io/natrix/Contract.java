package io.natrix;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a service contract: one method per endpoint, each taking one request and returning
 * its reply. The service implements it ({@link Service.Builder#implement}); callers get a typed client from
 * {@link Natrix#proxy}.
 *
 * <pre>{@code
 * @Contract(service = "users")
 * interface UsersApi {
 *     User getUser(GetUser request);          // served on ms.users.GetUser
 * }
 * }</pre>
 *
 * <p>A method {@code getUser} becomes the endpoint {@code GetUser} (first letter upper-cased) unless
 * {@link Endpoint} names it. Default and static methods are ignored.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Contract {

    /** The service name, e.g. {@code users}. */
    String service();

    /** Names the endpoint of a contract method when the method name should not be used. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Endpoint {
        /** The endpoint name, e.g. {@code GetUser}. */
        String value();
    }
}
