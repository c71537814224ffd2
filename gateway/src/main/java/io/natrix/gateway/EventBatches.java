package io.natrix.gateway;

import io.natrix.Natrix;
import io.natrix.NatrixException;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events of every stream of one batched publish route ({@link StreamRoute#batched}), gathered for an
 * interval and published as one NDJSON message: one line per event, in the order they were accepted. A batch
 * goes when its interval is up or when it would pass its size, whichever comes first; one virtual thread per
 * route does the waiting, and {@link #close()} publishes what is left before it stops that thread.
 *
 * <p>Thousands of drivers sending a position a second through one gateway are thousands of NATS messages a
 * second, each a write, a routing decision and a wake-up in every listener; gathered every 50 ms they are
 * twenty.
 */
final class EventBatches implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventBatches.class.getName());

    private final Natrix natrix;
    private final String subject;
    private final long intervalNanos;
    private final int maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private long dropped; // under the lock, as every publish is: said in the log with each loss
    private final Thread sender;
    private final ByteArrayOutputStream batch;
    private boolean closed;

    /**
     * @param maxBytes the largest batch; at most the server's payload limit. An event larger than this
     *                 goes alone.
     */
    EventBatches(Natrix natrix, String subject, Duration interval, int maxBytes) {
        this.natrix = natrix;
        this.subject = subject;
        this.intervalNanos = interval.toNanos();
        this.maxBytes = maxBytes;
        this.batch = new ByteArrayOutputStream(Math.min(maxBytes, 64 << 10));
        this.sender = Thread.ofVirtual().name("natrix-batches-" + subject).start(this::sendEveryInterval);
    }

    /** Adds one encoded event (compact JSON, no newline in it); false once closed. */
    boolean add(byte[] event) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (batch.size() > 0 && batch.size() + event.length + 1 > maxBytes) {
                publish(take()); // full: it goes now, and this event starts the next
            }
            batch.writeBytes(event);
            batch.write('\n');
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void sendEveryInterval() {
        lock.lock();
        try {
            while (!closed) {
                long left = intervalNanos;
                while (!closed && left > 0) {
                    left = closing.awaitNanos(left);
                }
                publish(take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the batch so far, and a new one begun. */
    private byte[] take() {
        if (batch.size() == 0) {
            return null;
        }
        byte[] taken = batch.toByteArray();
        batch.reset();
        return taken;
    }

    private void publish(byte[] taken) {
        if (taken == null) {
            return;
        }
        try {
            natrix.publish(subject, taken);
        } catch (NatrixException | IllegalArgumentException | IllegalStateException e) {
            // positions are sent again every second: a lost batch is counted and said, not retried
            long lost = ++dropped;
            LOG.log(Level.WARNING, "a batch of {0} bytes for {1} was not published ({2} so far): {3}", taken.length, subject, lost,
                    e.getMessage());
        }
    }

    /** Publishes what is gathered and stops the sender; events added after this are refused. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing.signal();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
