package io.natrix;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Gives up on calls whose time is up, with one thread for every call of a connection, so that a caller waits for
 * its reply without a timer of its own. A virtual thread's timed wait arms and disarms a timer in the JDK's
 * scheduler on every call: measured here, 24 µs more per round trip and nearly twice the CPU of an untimed wait
 * at one caller (issue 15, goal 4; BENCHMARKS.md). This thread sleeps until the earliest deadline and is woken
 * only when a new call's deadline comes before that: with every call given the same timeout, about once per
 * timeout, not once per call.
 */
final class CallTimeouts implements AutoCloseable {

    /** A deadline being watched; {@link #cancel} once the call no longer waits. */
    final class Timeout implements Comparable<Timeout> {
        private final long at;
        private final long order;
        private final Runnable expire;

        private Timeout(long at, long order, Runnable expire) {
            this.at = at;
            this.order = order;
            this.expire = expire;
        }

        void cancel() {
            watched.remove(this);
        }

        @Override
        public int compareTo(Timeout other) {
            int byTime = Long.compare(at - other.at, 0); // nanoTime values compare by difference
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final ConcurrentSkipListSet<Timeout> watched = new ConcurrentSkipListSet<>();
    private final AtomicLong orders = new AtomicLong();
    private final Thread thread;
    /** The deadline the thread sleeps until; {@code Long.MAX_VALUE} while it waits for any. */
    private volatile long sleepingUntil = Long.MAX_VALUE;
    private volatile boolean closed;

    CallTimeouts(String name) {
        this.thread = Thread.ofPlatform().daemon().name("natrix-call-timeouts " + name).start(this::run);
    }

    /** Runs {@code expire} at {@code atNanos} (a {@link System#nanoTime} value) unless cancelled first. */
    Timeout at(long atNanos, Runnable expire) {
        Timeout timeout = new Timeout(atNanos, orders.incrementAndGet(), expire);
        watched.add(timeout);
        long until = sleepingUntil;
        if (until == Long.MAX_VALUE || atNanos - until < 0) {
            LockSupport.unpark(thread);
        }
        return timeout;
    }

    private void run() {
        while (!closed) {
            Timeout first = earliest();
            long now = System.nanoTime();
            if (first != null && first.at - now <= 0) {
                if (watched.remove(first)) {
                    try {
                        first.expire.run();
                    } catch (RuntimeException e) {
                        System.getLogger(CallTimeouts.class.getName()).log(System.Logger.Level.WARNING,
                                "a call's timeout failed to end it", e);
                    }
                }
                continue;
            }
            sleepingUntil = first == null ? Long.MAX_VALUE : first.at;
            if (earliest() != first) {
                continue; // one came in before sleepingUntil said when this thread wakes: look again
            }
            if (first == null) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, first.at - now);
            }
        }
    }

    private Timeout earliest() {
        try {
            return watched.isEmpty() ? null : watched.first();
        } catch (java.util.NoSuchElementException emptiedMeanwhile) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
