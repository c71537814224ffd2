package io.natrix.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages waiting for one stream's client. Bounded: a conflating mailbox keeps only the latest message (state,
 * such as a position); a queueing one keeps up to its capacity and then marks the stream as overrun, so a client
 * that cannot keep up is told and disconnected instead of growing the gateway's memory.
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private boolean overrun;
    private boolean closing;

    private Mailbox(int capacity, boolean conflate) {
        this.capacity = capacity;
        this.conflate = conflate;
    }

    static Mailbox latestOnly() {
        return new Mailbox(1, true);
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
                waiting.clear();
            } else if (overrun || waiting.size() >= capacity) {
                overrun = true;
                arrived.signal();
                return false;
            }
            waiting.add(payload);
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
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
            while (waiting.isEmpty() && !overrun && !closing && nanos > 0) {
                nanos = arrived.awaitNanos(nanos);
            }
            if (closing) {
                return new Closing();
            }
            if (overrun) {
                return new Overrun(capacity);
            }
            byte[] payload = waiting.poll();
            return payload == null ? new Idle() : new Message(payload);
        } finally {
            lock.unlock();
        }
    }
}
