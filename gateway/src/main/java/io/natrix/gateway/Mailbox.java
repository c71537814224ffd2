package io.natrix.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages waiting for one stream's client. Bounded: a conflating mailbox keeps only the latest message (state,
 * such as a position); a queueing one keeps up to its capacity and then marks the stream as overrun, so a client
 * that cannot keep up is told and disconnected instead of growing the gateway's memory. A conflating mailbox may
 * also queue what must not be conflated ({@link #latestOnlyAnd}, {@link #deliver}): a poll's answers beside the
 * messages of a subscription the same stream delivers.
 */
final class Mailbox {

    /** What the writer takes next. */
    sealed interface Next permits Message, Idle, Overrun, Closing {
    }

    record Message(byte[] payload) implements Next {
    }

    record Idle() implements Next {
    }

    record Overrun(int capacity) implements Next {
    }

    /** The gateway is stopping: say goodbye and end the stream. */
    record Closing() implements Next {
    }

    private final int capacity;
    private final boolean conflate;
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private byte[] latest; // a conflating mailbox's one message, taken after what is queued
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private boolean overrun;
    private boolean closing;

    private Mailbox(int capacity, boolean conflate) {
        this.capacity = capacity;
        this.conflate = conflate;
    }

    static Mailbox latestOnly() {
        return new Mailbox(0, true);
    }

    /** Conflates what is {@link #offer offered}, and queues up to {@code capacity} messages {@link #deliver delivered}. */
    static Mailbox latestOnlyAnd(int capacity) {
        return new Mailbox(capacity, true);
    }

    static Mailbox queue(int capacity) {
        return new Mailbox(capacity, false);
    }

    /**
     * Never blocks: called on the shared NATS dispatcher. Returns whether the message was kept: false once a
     * queueing mailbox has overrun (that message and every later one are dropped).
     */
    boolean offer(byte[] payload) {
        lock.lock();
        try {
            if (conflate) {
                latest = payload;
                arrived.signal();
                return true;
            }
            return queued(payload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a message that must not be conflated, whatever the mailbox does with what is offered: the client
     * gets each, in order, before the latest offered message. Never blocks; false once the queue has overrun.
     */
    boolean deliver(byte[] payload) {
        lock.lock();
        try {
            return queued(payload);
        } finally {
            lock.unlock();
        }
    }

    private boolean queued(byte[] payload) {
        if (overrun || waiting.size() >= capacity) {
            overrun = true;
            arrived.signal();
            return false;
        }
        waiting.add(payload);
        arrived.signal();
        return true;
    }

    /** Wakes the stream's writer to end the stream: the gateway is stopping. */
    void close() {
        lock.lock();
        try {
            closing = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next message, {@link Idle} if none came within {@code wait}, or {@link Overrun}. */
    Next take(Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (waiting.isEmpty() && latest == null && !overrun && !closing && nanos > 0) {
                nanos = arrived.awaitNanos(nanos);
            }
            if (closing) {
                return new Closing();
            }
            if (overrun) {
                return new Overrun(capacity);
            }
            byte[] payload = waiting.poll();
            if (payload == null) {
                payload = latest;
                latest = null;
            }
            return payload == null ? new Idle() : new Message(payload);
        } finally {
            lock.unlock();
        }
    }
}
