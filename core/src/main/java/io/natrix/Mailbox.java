package io.natrix;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Items handed over by one thread (the connection's reader) and taken in order, one at a time, by a virtual
 * thread of the mailbox's own, which parks while there are none. A hand-over is a queue insert and, when the
 * mailbox was empty, an unpark: no thread started per item or per burst. The count of waiting items includes
 * the one being taken, and is brought down per batch, so the reader's counter is written once per batch, not
 * once per item.
 *
 * @param <T> what is handed over
 */
final class Mailbox<T> {

    private static final System.Logger LOG = System.getLogger(Mailbox.class.getName());
    /** Items taken between two updates of the waiting count. */
    private static final int BATCH = 64;

    private final String name;
    private final Consumer<T> consumer;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;

    Mailbox(String name, Consumer<T> consumer) {
        this.name = name;
        this.consumer = consumer;
        this.thread = Thread.ofVirtual().name(name).start(this::run);
    }

    /** Hands an item over; says how many were waiting before it (0: the mailbox was empty). */
    int put(T item) {
        int before = waiting.getAndIncrement();
        queue.add(item);
        if (before == 0) {
            LockSupport.unpark(thread);
        }
        return before;
    }

    /** Items handed over and not yet taken, the one being taken included (a moment late: counted per batch). */
    int waiting() {
        return waiting.get();
    }

    /** Waits until every item handed over has been taken, or the deadline ({@link System#nanoTime()}) passes. */
    boolean awaitEmpty(long deadline) throws InterruptedException {
        while (waiting.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Ends the mailbox's thread; items still waiting are dropped, not taken. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        int taken = 0;
        while (true) {
            T item = queue.poll();
            if (item != null) {
                if (!closed) {
                    take(item);
                }
                if (++taken == BATCH) {
                    waiting.addAndGet(-taken);
                    taken = 0;
                }
            } else if (taken > 0) {
                waiting.addAndGet(-taken); // then look again: more may have come meanwhile
                taken = 0;
            } else if (closed) {
                return;
            } else if (waiting.get() == 0) {
                LockSupport.park(this); // put() unparks on the first item after empty
            } else {
                Thread.yield(); // counted but not yet in the queue: the putter is between its two steps
            }
        }
    }

    private void take(T item) {
        try {
            consumer.accept(item);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, name + " failed on an item; it goes on with the next", e);
        }
        // an interrupt meant for that item must not end this thread's parks for good
        Thread.interrupted();
    }
}
