package io.natrix.spring;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A bean that is (part of) a Natrix service: its {@link NatrixEndpoint}, {@link NatrixListener} and
 * {@link NatrixDurableListener} methods, and the endpoints of the {@link io.natrix.Contract} interfaces it
 * implements, are served under this name once the application context has started, and drained when it stops.
 * A {@link Component}, so component scanning finds it.
 *
 * <p>The name may be left out when the bean implements a contract (the contract's service) or when the
 * application has a {@code spring.application.name}. Beans of one name make one service instance.
 *
 * <pre>{@code
 * @NatrixService(version = "1.2.0")
 * class Fares implements FaresApi {                       // @Contract(service = "fares")
 *     public Quote quote(QuoteRequest request) { ... }    // ms.fares.Quote
 *
 *     @NatrixListener(subject = "ms.rides.completed", balanced = true)
 *     void charge(RideCompleted ride) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Component
public @interface NatrixService {

    /** The service's name, e.g. {@code fares}: its queue group and the {@code <name>} in {@code ms.<name>.<Endpoint>}. */
    @AliasFor("name")
    String value() default "";

    /** Same as {@link #value()}. */
    @AliasFor("value")
    String name() default "";

    /** Semantic version, shown by discovery; {@code 0.0.0} when no bean of the service gives one. */
    String version() default "";

    /** What the service does, shown by discovery. */
    String description() default "";
}
