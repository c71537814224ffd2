package io.natrix;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * {@link Endpoint} names it, served on {@code ms.<service>.<Endpoint>} unless {@link Endpoint#subject} gives
 * another subject. Default and static methods are ignored.
 *
 * <p>A contract owns its subjects: {@link Subjects#of} reads them, so that callers, HTTP routes and NATS
 * permissions name them through the contract instead of repeating them as strings.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Contract {

    /** The service name, e.g. {@code users}. */
    String service();

    /** Names the endpoint of a contract method, or its subject, when the conventions should not be used. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Endpoint {
        /** The endpoint name, e.g. {@code GetUser}; by default the method's name, first letter upper-cased. */
        String value() default "";

        /** The subject it is served on, e.g. {@code ms.eta.Quick}; by default {@code ms.<service>.<Endpoint>}. */
        String subject() default "";
    }

    /**
     * The subjects of one contract, by endpoint name:
     * {@code Contract.Subjects.of(UsersApi.class).of("GetUser")} is {@code ms.users.GetUser}. Reading a
     * contract checks it as {@link Service.Builder#implement} and {@link Natrix#proxy} do, so a subject constant
     * computed from it fails where it is defined if the contract has no such endpoint.
     */
    final class Subjects {

        private final String service;
        private final Map<String, String> byEndpoint;

        Subjects(String service, Map<String, String> byEndpoint) {
            this.service = service;
            this.byEndpoint = byEndpoint;
        }

        /** Reads a {@link Contract} interface. */
        public static Subjects of(Class<?> contract) {
            return ContractMethods.of(Objects.requireNonNull(contract, "contract")).subjects();
        }

        /** The service that implements the contract, e.g. {@code users} (also its queue group). */
        public String service() {
            return service;
        }

        /** The subject of an endpoint, e.g. {@code ms.users.GetUser} for {@code GetUser}. */
        public String of(String endpoint) {
            String subject = byEndpoint.get(endpoint);
            if (subject == null) {
                throw new IllegalArgumentException("the contract of service '" + service + "' has no endpoint '"
                        + endpoint + "'; it has " + byEndpoint.keySet());
            }
            return subject;
        }

        /** The endpoints' names. */
        java.util.Set<String> endpoints() {
            return byEndpoint.keySet();
        }

        /** Every endpoint's subject, in the order of the endpoints' names. */
        public List<String> all() {
            return List.copyOf(byEndpoint.values());
        }

        @Override
        public String toString() {
            return "subjects of service '" + service + "': " + byEndpoint;
        }
    }
}
