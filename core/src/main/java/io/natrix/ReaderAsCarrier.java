package io.natrix;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a connection's reader thread run the virtual thread that its last message woke (a caller whose reply came,
 * a handler started for a request) once it has handled all it read and before it reads again, instead of handing
 * it to one of the JDK's carriers: that hand-off wakes another OS thread for every message, most of what a round
 * trip at one caller costs (issue 15). Go's runtime does the same with the goroutine a read readies ("run next").
 * One thread at a time waits for the reader: a second woken by the same read sends the first to the carriers, and
 * when more bytes already wait on the socket the reader sends it there too and reads on, so under load the reader
 * keeps reading and the carriers keep every core busy.
 *
 * <p>Each owner of such threads (an endpoint, a builder from {@link Natrix#virtualThreads()}) has its own instance,
 * the threads' scheduler. A thread that computes for long would keep the connection from reading meanwhile, so
 * one run of an owner's threads in {@link #TIMED_EVERY} is timed (the reader's CPU time: a run descheduled midway
 * on a busy machine is not the thread's doing, and reading a thread's CPU clock is a system call, 1.4 µs on this
 * machine), and an owner whose timed runs take longer than {@link #LIMIT} more than {@link #OVER_LIMIT} times
 * within {@link #RUNS} is moved to the carriers, and logged. It comes back after {@link #COOL_OFF}, twice as long
 * each time it is moved again (up to {@link #LONGEST_COOL_OFF}), and a window of timed runs within its word
 * brings the cool-off back to the first: an endpoint's first runs are its slowest (code not yet compiled,
 * classes loading), and that must not move it for good.
 *
 * <p>The JDK gives a virtual thread a scheduler of its own only through a constructor it keeps for its tests,
 * reached by reflection, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (natrix's launchers give
 * it). Without it, or with {@code -Dnatrix.readerAsCarrier=false}, every virtual thread runs on the JDK's carriers
 * as before, and the first connection says so once.
 */
final class ReaderAsCarrier implements Executor {

    /** A timed run of a thread on the reader that took more CPU than this counts against its owner. */
    static final Duration LIMIT = Duration.ofMillis(1);
    /** One run of an owner's threads on the reader in this many is timed. */
    static final int TIMED_EVERY = 4;
    /** Timed runs counted at a time. */
    static final int RUNS = 100;
    /** Timed runs over {@link #LIMIT} among {@link #RUNS} that move an owner's threads to the carriers. */
    static final int OVER_LIMIT = 10;
    /** How long an owner's threads stay on the carriers the first time they are moved. */
    static final Duration COOL_OFF = Duration.ofSeconds(10);
    /** The longest they stay there, after being moved again and again. */
    static final Duration LONGEST_COOL_OFF = Duration.ofMinutes(10);

    private static final System.Logger LOG = System.getLogger(ReaderAsCarrier.class.getName());
    private static final long LIMIT_NANOS = LIMIT.toNanos();
    private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();
    private static final Support SUPPORT = Support.find();
    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final String owner;
    private final long firstCoolOffNanos;
    private volatile boolean onReaders = true;
    private volatile long offUntil;
    private long coolOffNanos;
    private int runs;
    private int overLimit;
    private int untimed; // runs since the last timed one: only readers touch it, a race merely shifts the sample

    private ReaderAsCarrier(String owner, Duration coolOff) {
        this.owner = owner;
        this.firstCoolOffNanos = coolOff.toNanos();
        this.coolOffNanos = firstCoolOffNanos;
    }

    /** Whether this JVM lets natrix's readers run virtual threads; if not, {@link #unavailable()} says why. */
    static boolean available() {
        return SUPPORT.unavailable == null;
    }

    /** Why readers cannot run virtual threads here, or null. */
    static String unavailable() {
        return SUPPORT.unavailable;
    }

    /** Logs once per JVM, at the first connection, that readers run no virtual thread here and how to let them. */
    static void tellIfUnavailable() {
        if (!available() && TOLD.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "natrix: " + SUPPORT.unavailable + "; each message's virtual thread waits for one "
                    + "of the JDK's carriers to wake (core/README.md, \"The reader as a carrier\")");
        }
    }

    /** Thread-safe factory of {@code owner}'s virtual threads: on a scheduler of their own where available. */
    static ThreadFactory threads(String owner) {
        return builder(owner).factory();
    }

    /** A new builder of {@code owner}'s virtual threads (builders are not thread-safe). */
    static Thread.Builder.OfVirtual builder(String owner) {
        return builder(owner, COOL_OFF);
    }

    /** {@link #builder(String)} with a first cool-off of its own (tests). */
    static Thread.Builder.OfVirtual builder(String owner, Duration coolOff) {
        if (!available()) {
            return Thread.ofVirtual();
        }
        try {
            return (Thread.Builder.OfVirtual) SUPPORT.builder.newInstance(new ReaderAsCarrier(owner, coolOff));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the JDK refused a virtual thread builder it made before", e);
        }
    }

    /** Makes the current (platform) thread a reader that runs the threads it wakes; {@link #leave} undoes it. */
    static void becomeReader() {
        if (available()) {
            SLOT.set(new Slot());
        }
    }

    /** The reader stops: a thread still waiting for it goes to the carriers. */
    static void leave() {
        Slot slot = SLOT.get();
        if (slot != null) {
            SLOT.remove();
            slot.toCarriers();
        }
    }

    /**
     * Called by a reader when it has handled everything it read: runs the thread its reads woke last, unless more
     * bytes already wait on {@code socket}, in which case the thread goes to the carriers and the reader reads on.
     */
    static void runNext(InputStream socket) {
        Slot slot = SLOT.get();
        if (slot == null || slot.task == null) {
            return;
        }
        if (moreToRead(socket)) {
            slot.toCarriers();
        } else {
            slot.run();
        }
    }

    private static boolean moreToRead(InputStream socket) {
        try {
            return socket.available() > 0;
        } catch (IOException e) {
            return true; // the read that follows finds out what is wrong; the thread must not wait for it
        }
    }

    /** The scheduler's side: called by the JDK whenever one of this owner's threads is started or woken. */
    @Override
    public void execute(Runnable task) {
        if (!Thread.currentThread().isVirtual() && mayUseReader()) {
            Slot slot = SLOT.get();
            if (slot != null) {
                slot.put(task, this);
                return;
            }
        }
        SUPPORT.carriers.execute(task);
    }

    private boolean mayUseReader() {
        if (onReaders) {
            return true;
        }
        if (System.nanoTime() - offUntil < 0) {
            return false;
        }
        onReaders = true; // the cool-off is over: its threads try the reader again
        return true;
    }

    private synchronized void ran(long nanos) {
        if (nanos > LIMIT_NANOS) {
            overLimit++;
        }
        runs++;
        if (overLimit > OVER_LIMIT) {
            if (onReaders) {
                moveToCarriers();
            }
            runs = 0;
            overLimit = 0;
        } else if (runs == RUNS) {
            coolOffNanos = firstCoolOffNanos; // a window within its word
            runs = 0;
            overLimit = 0;
        }
    }

    private void moveToCarriers() {
        offUntil = System.nanoTime() + coolOffNanos;
        onReaders = false;
        LOG.log(Level.INFO, "natrix: " + owner + " held the connection's reader thread over " + LIMIT.toMillis()
                + " ms of CPU in " + overLimit + " of " + runs + " timed runs; its virtual threads run on the JDK's "
                + "carriers for the next " + (coolOffNanos < 1_000_000_000 ? coolOffNanos / 1_000_000 + " ms"
                : coolOffNanos / 1_000_000_000 + " s"));
        coolOffNanos = Math.min(coolOffNanos * 2, Math.max(firstCoolOffNanos, LONGEST_COOL_OFF.toNanos()));
    }

    /** The one thread a reader runs next, and whose scheduler it is. Used by its reader thread only. */
    private static final class Slot {
        private Runnable task;
        private ReaderAsCarrier scheduler;

        void put(Runnable next, ReaderAsCarrier owner) {
            toCarriers();
            task = next;
            scheduler = owner;
        }

        void toCarriers() {
            Runnable waiting = task;
            if (waiting != null) {
                task = null;
                scheduler = null;
                SUPPORT.carriers.execute(waiting);
            }
        }

        void run() {
            Runnable next = task;
            ReaderAsCarrier owner = scheduler;
            task = null;
            scheduler = null;
            if (++owner.untimed < TIMED_EVERY) {
                next.run(); // mounts the virtual thread here until it waits or ends; it handles its own failures
                return;
            }
            owner.untimed = 0;
            long started = CPU.getCurrentThreadCpuTime();
            next.run();
            owner.ran(CPU.getCurrentThreadCpuTime() - started);
        }
    }

    /** What the JDK lets natrix reach: its carriers and the builder constructor that takes a scheduler. */
    private record Support(Executor carriers, Constructor<?> builder, String unavailable) {

        static Support find() {
            if ("false".equals(System.getProperty("natrix.readerAsCarrier"))) {
                return new Support(null, null, "readers do not run virtual threads (-Dnatrix.readerAsCarrier=false)");
            }
            Module javaBase = Object.class.getModule();
            if (!javaBase.isOpen("java.lang", ReaderAsCarrier.class.getModule())) {
                return new Support(null, null, "readers cannot run virtual threads without "
                        + "--add-opens java.base/java.lang=" + moduleName(ReaderAsCarrier.class.getModule()));
            }
            try {
                Field field = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
                field.setAccessible(true);
                Constructor<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                        .getDeclaredConstructor(Executor.class);
                builder.setAccessible(true);
                return new Support((Executor) field.get(null), builder, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Support(null, null, "readers cannot run virtual threads on this JDK (" + e + ")");
            }
        }

        private static String moduleName(Module module) {
            return module.isNamed() ? module.getName() : "ALL-UNNAMED";
        }
    }
}
