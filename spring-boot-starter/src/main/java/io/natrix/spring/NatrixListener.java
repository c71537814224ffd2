package io.natrix.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method of a {@link NatrixService} bean that handles events: it takes one event and returns nothing.
 * By default every instance of the service gets every event (a broadcast, as geo's index hears every driver's
 * position); {@link #balanced()} gives each event to one instance of the service.
 *
 * <pre>{@code
 * @NatrixListener(subject = "ms.geo.UpdatePoint", neverDrop = true)
 * void moved(Position position) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NatrixListener {

    /** The subject listened to; wildcards ({@code *}, {@code >}) allowed. */
    String subject();

    /** One instance of the service gets each event (the service's queue group), instead of every instance. */
    boolean balanced() default false;

    /**
     * Events wait in memory however far behind the listener falls, instead of new ones being dropped past the
     * backlog (see {@link io.natrix.ListenerOptions#neverDrop()}).
     */
    boolean neverDrop() default false;
}
