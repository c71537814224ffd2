package io.natrix.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/** Bounds the streams open at once; past the bound a new stream is refused with 503 and Retry-After. */
final class StreamCounter {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

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

    int count() {
        return open.get();
    }

    /** A place held by one stream. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
