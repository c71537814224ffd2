package io.natrix.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method of a {@link NatrixService} bean served as an endpoint: it takes one request and returns the reply,
 * blocking as it likes (each request runs on a virtual thread of its own). What it throws is answered as a
 * {@link io.natrix.Service.Builder#endpoint plain endpoint} answers it: a {@link io.natrix.ServiceException} with
 * its code, anything else as a 500 with an error id.
 *
 * <pre>{@code
 * @NatrixEndpoint                       // ms.<service>.Quote
 * Quote quote(QuoteRequest request) { ... }
 * }</pre>
 *
 * <p>For an endpoint that callers reach through a typed client, declare it in a {@link io.natrix.Contract}
 * interface and implement that instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NatrixEndpoint {

    /** The endpoint's name; by default the method's name with its first letter upper-cased. */
    String value() default "";

    /** The subject it is served on; by default {@code ms.<service>.<Endpoint>}. */
    String subject() default "";

    /** Requests handled at once by this instance before more are refused with 429 (0: Natrix's default). */
    int maxInFlight() default 0;
}
