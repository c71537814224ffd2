package io.natrix.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the streams open at once (past the bound a new stream is refused with 503 and Retry-After), and knows
 * the outbound ones, so that a stopping gateway can end each with a final message.
 */
final class StreamCounter {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder fellBehind = new java.util.concurrent.atomic.LongAdder();
    private final Set<Mailbox> outbound = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    StreamCounter(int max) {
        this.max = max;
    }

    /** Takes a place for a stream, or refuses. Close the slot when the stream ends. */
    Slot open() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            throw HttpProblem.tooManyStreams(max);
        }
        return open::decrementAndGet;
    }

    /** Registers an outbound stream's mailbox until the slot closes; a stopping gateway closes it at once. */
    Slot openOutbound(Mailbox mailbox) {
        Slot slot = open();
        outbound.add(mailbox);
        if (closing) {
            mailbox.close();
        }
        return () -> {
            outbound.remove(mailbox);
            slot.close();
        };
    }

    /** Ends every outbound stream with its final message. */
    void closeAll() {
        closing = true;
        outbound.forEach(Mailbox::close);
    }

    int count() {
        return open.get();
    }

    /** A client fell too far behind and is being disconnected for it. */
    void fellBehind() {
        fellBehind.increment();
    }

    /** Clients disconnected so far for falling too far behind, on any stream or socket. */
    long fellBehindCount() {
        return fellBehind.sum();
    }

    /** A place held by one stream. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
