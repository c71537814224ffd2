package io.natrix;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How one listener takes its events: how many may wait for it, and on which thread it runs. Immutable; each
 * method returns a changed copy.
 *
 * <pre>{@code
 * // the geo index must not miss a position, and updating it is a map write
 * service.broadcastListener("ms.geo.UpdatePoint.>", byte[].class, index::update,
 *         ListenerOptions.defaults().neverDrop().nonBlocking());
 * }</pre>
 *
 * <p><b>Backlog.</b> By default a listener may have the service's {@link Service.Builder#listenerBacklog} events
 * waiting; past it NATS drops new ones for that listener and counts them ({@link ListenerStats#dropped()}).
 * {@link #neverDrop()} lets the backlog grow with memory instead: a listener that must see every event (an index
 * of every driver) says so, and its {@link ListenerStats#pending()} shows how far behind it is. Core NATS has no
 * backpressure: the one loss left is the server's own, when it cuts a client that stops reading its socket
 * (logged by the connection); for events that must outlive that, use a durable listener.
 *
 * <p><b>Thread.</b> By default a listener runs on a virtual thread of its own, so it may block. A listener that
 * never blocks and returns within microseconds (it updates memory, counts, hands off) can say so with
 * {@link #nonBlocking()}: it then runs on the connection's socket reader thread as each event is read, with no
 * hand-off between threads, which is most of what an event costs. If {@link #NON_BLOCKING_STRIKES} events take
 * longer than {@link #NON_BLOCKING_LIMIT} there within {@link #NON_BLOCKING_WINDOW}, the listener is logged and
 * moved to its virtual thread for 10 minutes, its order kept. A mistaken declaration costs a few stalls of the
 * connection every 10 minutes, not every event's; one slow event (the first, loading classes; a thread the machine
 * paused) does not move a listener that keeps its word, and three that the machine slowed (a collection, a busy
 * core) do not move it for good.
 */
public final class ListenerOptions {

    /** How long a non-blocking listener may take for one event on the reader thread before it counts as a strike. */
    public static final Duration NON_BLOCKING_LIMIT = Duration.ofMillis(10);

    /** How many events over the limit, within {@link #NON_BLOCKING_WINDOW}, move a non-blocking listener. */
    public static final int NON_BLOCKING_STRIKES = 3;

    /** The time in which {@link #NON_BLOCKING_STRIKES} events over the limit move a non-blocking listener. */
    public static final Duration NON_BLOCKING_WINDOW = Duration.ofSeconds(10);

    private static final ListenerOptions DEFAULTS = new ListenerOptions(OptionalInt.empty(), false, false);

    private final OptionalInt backlog;
    private final boolean neverDrop;
    private final boolean nonBlocking;

    private ListenerOptions(OptionalInt backlog, boolean neverDrop, boolean nonBlocking) {
        this.backlog = backlog;
        this.neverDrop = neverDrop;
        this.nonBlocking = nonBlocking;
    }

    /** The service's backlog, dropping past it; a virtual thread of its own. */
    public static ListenerOptions defaults() {
        return DEFAULTS;
    }

    /** At most this many events waiting; past it new ones are dropped and counted. */
    public ListenerOptions backlog(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("a listener's backlog must be at least 1 event, got " + events);
        }
        return new ListenerOptions(OptionalInt.of(events), false, nonBlocking);
    }

    /** No event is dropped by this process however far behind the listener falls: the backlog grows with memory. */
    public ListenerOptions neverDrop() {
        return new ListenerOptions(OptionalInt.empty(), true, nonBlocking);
    }

    /** The listener never blocks and takes microseconds: it runs where events are read, with no hand-off. */
    public ListenerOptions nonBlocking() {
        return new ListenerOptions(backlog, neverDrop, true);
    }

    /** The backlog set here, if any (else the service's, unless {@link #dropsNothing()}). */
    OptionalInt backlog() {
        return backlog;
    }

    /** Whether no event is ever dropped for falling behind. */
    boolean dropsNothing() {
        return neverDrop;
    }

    /** Whether the listener runs on the connection's reader thread. */
    boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public String toString() {
        return "ListenerOptions[" + (neverDrop ? "never drop" : backlog.isPresent() ? "backlog " + backlog.getAsInt() : "service's backlog")
                + (nonBlocking ? ", non-blocking" : "") + "]";
    }
}
