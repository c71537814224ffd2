package io.natrix.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method of a {@link NatrixService} bean that handles events which must not be lost: those published with
 * {@link io.natrix.Natrix#publishDurable} are stored in a JetStream stream, and each is handed to one instance of
 * the service and acknowledged once the method returns. A method that throws gets the event again after a backoff;
 * after the last attempt it goes to {@code dlq.<stream>.<consumer>}. An instance that stops or dies holding an
 * event loses nothing. See {@link io.natrix.Durable}.
 *
 * <pre>{@code
 * @NatrixDurableListener(stream = "RIDES_DONE", subject = "ms.rides.completed", replicas = 3)
 * void charge(RideCompleted ride) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NatrixDurableListener {

    /** The JetStream stream read, created (with its dead letters' stream) if it does not exist. */
    String stream();

    /** The subject the stream stores, e.g. {@code ms.rides.completed}. */
    String subject();

    /** Copies of the stream on the cluster's servers when this creates it: 1, 3 or 5. */
    int replicas() default 1;

    /** How many times an event is handed to the method before it is dead-lettered. */
    int maxAttempts() default 5;
}
