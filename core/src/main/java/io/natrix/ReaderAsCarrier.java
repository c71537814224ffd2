package io.natrix;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.System.Logger.Level;
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
 * the threads' scheduler, and its {@link ReaderShare}: an owner whose threads hold the reader long is moved to the
 * carriers for a while. A thread that cannot leave the reader while it waits (pinned) is seen by the
 * {@link ReaderWatch}, and another thread reads on in the reader's place.
 *
 * <p>The JDK gives a virtual thread a scheduler of its own only through a constructor it keeps for its tests,
 * reached by reflection, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (natrix's launchers give
 * it). Without it, or with {@code -Dnatrix.readerAsCarrier=false}, every virtual thread runs on the JDK's carriers
 * as before, and the first connection says so once.
 */
final class ReaderAsCarrier implements Executor {

    private static final System.Logger LOG = System.getLogger(ReaderAsCarrier.class.getName());
    private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();
    private static final Support SUPPORT = Support.find();
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private final ReaderShare share;

    private ReaderAsCarrier(ReaderShare share) {
        this.share = share;
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
        return builder(owner, CoolOff.FIRST);
    }

    /** {@link #builder(String)} with a first cool-off of its own (tests). */
    static Thread.Builder.OfVirtual builder(String owner, Duration coolOff) {
        if (!available()) {
            return Thread.ofVirtual();
        }
        try {
            return (Thread.Builder.OfVirtual) SUPPORT.builder
                    .newInstance(new ReaderAsCarrier(new ReaderShare(owner, coolOff)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the JDK refused a virtual thread builder it made before", e);
        }
    }

    /**
     * Makes the current (platform) thread a reader that runs the threads it wakes; {@link #leave} undoes it. If one
     * of them waits pinned to the reader for {@link ReaderWatch#HELD}, {@code takeOver} is called, from another
     * thread, to start a thread that reads on in this one's place.
     */
    static void becomeReader(Runnable takeOver) {
        if (available()) {
            Slot slot = new Slot(takeOver);
            SLOT.set(slot);
            ReaderWatch.add(slot);
        }
    }

    /** The reader stops: a thread still waiting for it goes to the carriers. */
    static void leave() {
        Slot slot = SLOT.get();
        if (slot != null) {
            SLOT.remove();
            ReaderWatch.remove(slot);
            slot.toCarriers();
        }
    }

    /**
     * Called by a reader when it has handled everything it read: runs the thread its reads woke last, unless more
     * bytes already wait on {@code socket}, in which case the thread goes to the carriers and the reader reads on.
     * Returns false if that thread waited pinned to the reader so long that another thread now reads in its place.
     */
    static boolean runNext(InputStream socket) {
        Slot slot = SLOT.get();
        if (slot == null || slot.task == null) {
            return true;
        }
        if (moreToRead(socket)) {
            slot.toCarriers();
            return true;
        }
        return slot.run();
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
        if (!Thread.currentThread().isVirtual() && share.mayUseReader()) {
            Slot slot = SLOT.get();
            if (slot != null) {
                slot.put(task, share);
                return;
            }
        }
        SUPPORT.carriers.execute(task);
    }

    /**
     * The one thread a reader runs next, and its owner's share of the reader; used by its reader thread only, but
     * for what the {@link ReaderWatch} sees of it: the run in progress, and whose thread it is.
     */
    private static final class Slot implements ReaderWatch.Watched {
        private static final VarHandle RUNS;

        static {
            try {
                RUNS = MethodHandles.lookup().findVarHandle(Slot.class, "runs", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Thread reader = Thread.currentThread();
        private final Runnable takeOver;
        private Runnable task;
        private ReaderShare share;
        private ReaderShare running; // the watch reads it after reading runs, which is written after it
        private volatile long runs; // odd while running a thread

        Slot(Runnable takeOver) {
            this.takeOver = takeOver;
        }

        void put(Runnable next, ReaderShare owners) {
            toCarriers();
            task = next;
            share = owners;
        }

        void toCarriers() {
            Runnable waiting = task;
            if (waiting != null) {
                task = null;
                share = null;
                SUPPORT.carriers.execute(waiting);
            }
        }

        /** Runs the thread waiting; false if it held the reader so long that another thread reads in its place. */
        boolean run() {
            Runnable next = task;
            ReaderShare owners = share;
            task = null;
            share = null;
            running = owners;
            long started = runs + 1;
            RUNS.setRelease(this, started); // the watch needs to see it soon, not at once
            owners.run(next); // mounts the virtual thread here until it waits or ends; it handles its own failures
            return RUNS.compareAndSet(this, started, started + 1);
        }

        @Override
        public long runs() {
            return runs;
        }

        @Override
        public boolean waiting() {
            Thread.State state = reader.getState();
            return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
        }

        @Override
        public boolean handOver(long held) {
            if (!RUNS.compareAndSet(this, held, held + 1)) {
                return false; // it ended meanwhile
            }
            running.heldTheReader();
            takeOver.run();
            return true;
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
