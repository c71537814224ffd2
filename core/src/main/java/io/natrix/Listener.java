package io.natrix;

/**
 * The code behind an event listener. Events of one listener are handled one at a time, in the order NATS
 * delivered them, on a virtual thread that belongs to the listener (or, for a listener declared
 * {@link ListenerOptions#nonBlocking()}, on the connection's reader thread as each is read).
 *
 * <p>An exception is counted and logged; the listener goes on with the next event.
 *
 * @param <E> the event type, read from JSON ({@code byte[]} for raw payloads)
 */
@FunctionalInterface
public interface Listener<E> {

    /** Handles one event. */
    void on(E event) throws Exception;
}
