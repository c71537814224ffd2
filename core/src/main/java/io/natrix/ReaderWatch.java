package io.natrix;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the readers that run virtual threads ({@link ReaderAsCarrier}) for a thread that waits pinned to its
 * reader: one that waits inside a class initializer or a native frame cannot leave the reader, which then reads
 * nothing; if it waits for a reply on the same connection, only another thread could read that reply. A run seen
 * going on for {@link #HELD} by this watch's own clock, its reader waiting (parked or blocked), is handed over:
 * another thread reads on where it stopped, and the one held leaves when its run ends. Go's runtime does the like
 * for a thread held in a system call. Its own clock, because a pause of the whole JVM (a collection) is no
 * reader's doing; waiting, because a reader that computes or that the machine keeps from a core would gain
 * nothing from another thread (computing long is {@link ReaderShare}'s to judge).
 *
 * <p>One daemon thread per JVM, awake every {@link #TICK} while a reader exists.
 */
final class ReaderWatch {

    /** How long the watch sees one run hold a reader before another thread takes the reading over. */
    static final Duration HELD = Duration.ofMillis(50);
    /** How often the watch looks. */
    static final Duration TICK = Duration.ofMillis(25);

    private static final Set<Watched> READERS = ConcurrentHashMap.newKeySet();
    private static final Thread WATCH = Thread.ofPlatform().daemon().name("natrix-reader-watch").unstarted(ReaderWatch::watch);

    private ReaderWatch() {
    }

    /** A reader as the watch sees it: the run it is in, and how to hand its reading over. */
    interface Watched {
        /** Counts the reader's runs and their ends: odd while it runs a thread, so each run has a number of its own. */
        long runs();

        /** Whether the reader thread waits (parked or blocked), as it does only under a thread pinned to it. */
        boolean waiting();

        /** Ends {@code run} as far as the reader is concerned and starts another thread reading; false if it ended. */
        boolean handOver(long run);
    }

    static void add(Watched reader) {
        READERS.add(reader);
        synchronized (WATCH) {
            if (WATCH.getState() == Thread.State.NEW) {
                WATCH.start();
            }
        }
        LockSupport.unpark(WATCH);
    }

    static void remove(Watched reader) {
        READERS.remove(reader);
    }

    private static void watch() {
        Map<Watched, Sighting> seen = new HashMap<>();
        long tick = TICK.toNanos();
        long held = HELD.toNanos();
        while (true) {
            if (READERS.isEmpty()) {
                seen.clear();
                LockSupport.park();
                continue;
            }
            LockSupport.parkNanos(tick);
            long now = System.nanoTime();
            seen.keySet().retainAll(READERS);
            for (Watched reader : READERS) {
                long run = reader.runs();
                Sighting first = seen.computeIfAbsent(reader, r -> new Sighting());
                if ((run & 1) == 0 || first.run != run) {
                    first.run = run;
                    first.at = now;
                } else if (now - first.at >= held && reader.waiting() && reader.handOver(run)) {
                    READERS.remove(reader);
                    seen.remove(reader);
                }
            }
        }
    }

    /** A reader's run when the watch first saw it, and when. */
    private static final class Sighting {
        long run = -1;
        long at;
    }
}
