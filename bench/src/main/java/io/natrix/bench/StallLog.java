package io.natrix.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A requester's slow calls with the wall-clock time each ended, for {@code bench peers --stall-log DIR}: a call over
 * 1 ms is a stall at one caller's pace (a round trip takes about 200 µs), and what the machine ran meanwhile
 * ({@code perf record -e sched:sched_switch -k CLOCK_REALTIME}) says whose it was. The Go peer writes the same file.
 * <p>
 * Format, one file per requester process ({@code stalls-<pid>.txt}), appended after each closed-loop run so that
 * writing it never falls inside a measurement: {@code run <peer> <first ns> <last ns>}, then one line
 * {@code <ended ns since the epoch> <took ns>} per slow call.
 */
final class StallLog {

    /** The environment variable a requester reads: the folder to log into. */
    static final String ENVIRONMENT = "NATRIX_STALL_LOG";
    static final long SLOW_NANOS = 1_000_000;

    private final Path file;
    private final StringBuilder calls = new StringBuilder();

    private StallLog(Path file) {
        this.file = file;
    }

    /** The log the bench asked for, or null when it asked for none. */
    static StallLog fromEnvironment() {
        String folder = System.getenv(ENVIRONMENT);
        return folder == null || folder.isBlank() ? null : in(Path.of(folder));
    }

    /** This process's log in {@code folder}. */
    static StallLog in(Path folder) {
        return new StallLog(folder.resolve("stalls-" + ProcessHandle.current().pid() + ".txt"));
    }

    Path file() {
        return file;
    }

    /** Notes a call that took {@code nanos}, if it was slow; callers on many threads may call at once. */
    void call(long nanos) {
        if (nanos > SLOW_NANOS) {
            long ended = epochNanos();
            synchronized (calls) {
                calls.append(ended).append(' ').append(nanos).append('\n');
            }
        }
    }

    /** Appends one run's slow calls to the file, once every caller stopped. */
    void endRun(String peer, long firstEpochNanos) {
        String run;
        synchronized (calls) {
            run = "run " + peer.replace(' ', '_') + " " + firstEpochNanos + " " + epochNanos() + "\n" + calls;
            calls.setLength(0);
        }
        try {
            Files.writeString(file, run, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the stall log " + file, e);
        }
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
