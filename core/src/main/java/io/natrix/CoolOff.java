package io.natrix;

import java.time.Duration;

/**
 * How long a handler that held a connection's reader too long stays off it: the first cool-off at first, twice as
 * long each time it is moved again (up to the longest), the first again once its rule {@link #forgive}s it. The
 * one way both rules of the reader move what they judge ({@link ReaderShare} for threads the reader runs, 10 s
 * doubling up to {@link #LONGEST}; {@link ReaderThreadWord} for non-blocking handlers, {@link #LONGEST} each time):
 * a handler the machine slowed for a moment (a collection, a core taken away) comes back.
 */
final class CoolOff {

    /** The first cool-off, unless a test gives its own. */
    static final Duration FIRST = Duration.ofSeconds(10);
    /** The longest, after being moved again and again. */
    static final Duration LONGEST = Duration.ofMinutes(10);

    private final long firstNanos;
    private final long longestNanos;
    private long nextNanos;
    private volatile boolean off;
    private volatile long until;

    CoolOff(Duration first) {
        this(first, LONGEST);
    }

    /** Doubling from {@code first} up to {@code longest}; the same each time when they are equal. */
    CoolOff(Duration first, Duration longest) {
        this.firstNanos = first.toNanos();
        this.longestNanos = Math.max(firstNanos, longest.toNanos());
        this.nextNanos = firstNanos;
    }

    /** Whether the handler may use the reader now: yes unless moved and still cooling off. */
    boolean onReader() {
        if (!off) {
            return true;
        }
        if (System.nanoTime() - until < 0) {
            return false;
        }
        off = false; // over: it tries the reader again
        return true;
    }

    /** Moves the handler off the reader; returns for how long, in words for a log ({@code 10 s}, {@code 300 ms}). */
    synchronized String start() {
        long length = nextNanos;
        until = System.nanoTime() + length;
        off = true;
        nextNanos = Math.min(length * 2, longestNanos);
        long seconds = length / 1_000_000_000;
        return length < 1_000_000_000 ? length / 1_000_000 + " ms"
                : seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** The handler kept to its rule for a while: its next cool-off is the first again. */
    synchronized void forgive() {
        nextNanos = firstNanos;
    }
}
