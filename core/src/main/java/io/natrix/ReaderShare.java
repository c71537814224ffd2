package io.natrix;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * How much of a connection's reader one owner's virtual threads take when the reader runs them
 * ({@link ReaderAsCarrier}), and whether they may go on: a thread that computes for long would keep the connection
 * from reading meanwhile. One run in {@link #TIMED_EVERY} is timed by the reader's CPU clock (a run descheduled
 * midway on a busy machine is not the thread's doing, and reading a thread's CPU clock is a system call, 1.6-1.9 µs
 * on this machine); an owner whose timed runs take longer than {@link #LIMIT} more than {@link #OVER_LIMIT} times
 * within {@link #RUNS} is moved to the carriers, and logged. It comes back after its {@link CoolOff}, and a window
 * of timed runs within its word brings the cool-off back to the first: an endpoint's first runs are its slowest
 * (code not yet compiled, classes loading), and that must not move it for good.
 */
final class ReaderShare {

    /** A timed run on the reader that took more CPU than this counts against its owner. */
    static final Duration LIMIT = Duration.ofMillis(1);
    /** One run of an owner's threads on the reader in this many is timed. */
    static final int TIMED_EVERY = 4;
    /** Timed runs counted at a time. */
    static final int RUNS = 100;
    /** Timed runs over {@link #LIMIT} among {@link #RUNS} that move an owner's threads to the carriers. */
    static final int OVER_LIMIT = 10;

    private static final System.Logger LOG = System.getLogger(ReaderShare.class.getName());
    private static final long LIMIT_NANOS = LIMIT.toNanos();
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final String owner;
    private final CoolOff coolOff;
    private int runs;
    private int overLimit;
    private int untimed; // runs since the last timed one: only readers touch it, a race merely shifts the sample

    ReaderShare(String owner, Duration coolOff) {
        this.owner = owner;
        this.coolOff = new CoolOff(coolOff);
    }

    /** Whether the owner's threads may wait for a reader now: yes unless moved and still cooling off. */
    boolean mayUseReader() {
        return coolOff.onReader();
    }

    /** Runs {@code run} (one of the owner's threads, mounted on the calling reader), timing one run in a few. */
    void run(Runnable run) {
        if (++untimed < TIMED_EVERY) {
            run.run();
            return;
        }
        untimed = 0;
        long started = CPU.getCurrentThreadCpuTime();
        run.run();
        ran(CPU.getCurrentThreadCpuTime() - started);
    }

    private synchronized void ran(long cpuNanos) {
        if (cpuNanos > LIMIT_NANOS) {
            overLimit++;
        }
        runs++;
        if (overLimit > OVER_LIMIT) {
            if (coolOff.onReader()) {
                moveToCarriers();
            }
            runs = 0;
            overLimit = 0;
        } else if (runs == RUNS) {
            coolOff.forgive(); // a window within its word
            runs = 0;
            overLimit = 0;
        }
    }

    /**
     * One of the owner's threads waited pinned to a reader for {@link ReaderWatch#HELD} and another thread took the reading over
     * ({@link ReaderWatch}): the owner moves to the carriers, as one whose runs take too much CPU does.
     */
    synchronized void heldTheReader() {
        moveToCarriers(owner + " held the connection's reader thread for over " + ReaderWatch.HELD.toMillis()
                + " ms in one run, waiting where a virtual thread cannot leave its carrier (inside a class initializer"
                + " or a native frame); another thread reads on");
    }

    private void moveToCarriers() {
        moveToCarriers(owner + " held the connection's reader thread over " + LIMIT.toMillis() + " ms of CPU in "
                + overLimit + " of " + runs + " timed runs");
    }

    private void moveToCarriers(String why) {
        LOG.log(Level.INFO, "natrix: " + why + "; its virtual threads run on the JDK's carriers for the next "
                + coolOff.start());
    }
}
