package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's reader runs the virtual thread its message woke (a handler, a caller whose reply came) when the
 * JVM lets it ({@code --add-opens java.base/java.lang}, which the build gives the tests), moves an owner whose
 * threads hold it long to the carriers until its cool-off is over, and without the option everything runs on the carriers as before. Where
 * a virtual thread runs shows in its name: {@code VirtualThread[#42]/runnable@natrix-core-reader ...}.
 */
class ReaderAsCarrierTest {

    private static final String READER = "@natrix-core-reader";
    private static final String CARRIER = "@ForkJoinPool";

    /** Runs on the reader that move an owner whose every timed run is over the limit. */
    private static final int RUNS_THAT_MOVE = ReaderShare.TIMED_EVERY * (ReaderShare.OVER_LIMIT + 1);
    /** Runs before giving up on seeing an owner moved: several times the runs that move it. */
    private static final int MOST_RUNS = 4 * RUNS_THAT_MOVE;
    /** Runs in a row on the carriers that say an owner was moved: one now and then goes there anyway. */
    private static final int IN_A_ROW = 5;

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void handlersAndTheirCallersGoOnOnTheReaderThatReadTheirMessage() throws Exception {
        assertThat(ReaderAsCarrier.available()).as(ReaderAsCarrier.unavailable()).isTrue();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            AtomicReference<Thread> waiting = new AtomicReference<>();
            natrix.service("where").endpoint("Handler", String.class, ignored -> {
                String where = Thread.currentThread().toString();
                replyOnceWaiting(waiting);
                return where;
            }).start();
            List<String> handlers = new ArrayList<>();
            List<String> callers = new ArrayList<>();
            Thread caller = Natrix.virtualThreads().start(() -> {
                waiting.set(Thread.currentThread());
                for (int i = 0; i < 20; i++) {
                    handlers.add(natrix.call("ms.where.Handler", "", String.class, Duration.ofSeconds(5)));
                    callers.add(Thread.currentThread().toString());
                }
            });
            assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            // one caller on a quiet connection: nothing else to read when a message has been handled, so the
            // reader runs its thread; a PING from the server read in the same moment may send one to a carrier
            assertThat(handlers).hasSize(20).filteredOn(where -> where.contains(READER)).hasSizeGreaterThan(15);
            assertThat(callers).hasSize(20).filteredOn(where -> where.contains(READER)).hasSizeGreaterThan(15);
        }
    }

    @Test
    void aPlainVirtualThreadStillWaitsForACarrier() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("plain").endpoint("Echo", String.class, text -> text).start();
            List<String> callers = new ArrayList<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 5; i++) {
                    assertThat(natrix.call("ms.plain.Echo", "x", String.class, Duration.ofSeconds(5))).isEqualTo("x");
                    callers.add(Thread.currentThread().toString());
                }
            });
            assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            assertThat(callers).hasSize(5).allMatch(where -> where.contains(CARRIER), "on a carrier");
        }
    }

    @Test
    void handlersThatHoldTheReaderLongMoveToTheCarriers() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("slow").endpoint("Spin", String.class, ignored -> {
                spin(ReaderShare.LIMIT.multipliedBy(4));
                return Thread.currentThread().toString();
            }).start();
            List<String> handlers = new ArrayList<>();
            Thread caller = Natrix.virtualThreads().start(() -> {
                // until the handler is seen on the carriers a few times in a row, within its first cool-off (10 s)
                while (!moved(handlers) && handlers.size() < MOST_RUNS) {
                    handlers.add(natrix.call("ms.slow.Spin", "", String.class, Duration.ofSeconds(5)));
                }
            });
            assertThat(caller.join(Duration.ofSeconds(60))).isTrue();
            assertThat(moved(handlers)).as("moved to the carriers: %s", runs(handlers)).isTrue();
            assertMostlyOnTheReaderBeforeTheMove(handlers);
        }
    }

    @Test
    void anOwnerMovedToTheCarriersComesBackAfterItsCoolOff() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            AtomicReference<Thread> waiting = new AtomicReference<>();
            natrix.service("back").endpoint("Echo", String.class, text -> {
                replyOnceWaiting(waiting);
                return text;
            }).start();
            List<String> holding = new ArrayList<>();
            List<String> after = new ArrayList<>();
            Thread caller = ReaderAsCarrier.builder("a test's caller", Duration.ofMillis(300)).start(() -> {
                waiting.set(Thread.currentThread());
                while (!moved(holding) && holding.size() < MOST_RUNS) {
                    natrix.call("ms.back.Echo", "x", String.class, Duration.ofSeconds(5));
                    holding.add(Thread.currentThread().toString());
                    spin(ReaderShare.LIMIT.multipliedBy(4)); // where the reply woke it: the reader, at first
                }
                try {
                    Thread.sleep(Duration.ofMillis(600)); // twice its first cool-off
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 10; i++) {
                    natrix.call("ms.back.Echo", "x", String.class, Duration.ofSeconds(5));
                    after.add(Thread.currentThread().toString());
                }
            });
            assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            assertThat(moved(holding)).as("moved to the carriers: %s", runs(holding)).isTrue();
            assertMostlyOnTheReaderBeforeTheMove(holding);
            assertThat(after).hasSize(10).filteredOn(where -> where.contains(READER)).hasSizeGreaterThan(5);
        }
    }

    @Test
    void aThreadPinnedToTheReaderWhileItWaitsForAReplyHandsTheReadingToAnotherThread() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            AtomicReference<Thread> waiting = new AtomicReference<>();
            forPinned = natrix;
            natrix.service("pinned")
                    .endpoint("Echo", String.class, text -> text)
                    .endpoint("Init", String.class, ignored -> {
                        replyOnceWaiting(waiting);
                        return Thread.currentThread() + " " + WaitsInItsInitializer.ANSWER;
                    }).start();
            AtomicReference<Object> answer = new AtomicReference<>();
            Thread caller = Natrix.virtualThreads().start(() -> {
                waiting.set(Thread.currentThread());
                try {
                    answer.set(natrix.call("ms.pinned.Init", "", String.class, Duration.ofSeconds(20)));
                } catch (RuntimeException e) {
                    answer.set(e);
                }
            });
            assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            // the handler ran on the reader and waited there for Echo's reply, pinned by the class initializer:
            // only another thread could read that reply
            assertThat(answer.get()).asString().contains(READER).endsWith(" echoed");
            assertThat(natrix.call("ms.pinned.Echo", "after", String.class, Duration.ofSeconds(5))).isEqualTo("after");
            // the thread that was held left once its run ended: one reader again
            String reader = answer.get().toString().split("@", 2)[1].split(" echoed")[0];
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (readers(reader) > 1 && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
            assertThat(readers(reader)).as("threads named %s", reader).isOne();
        }
    }

    private static long readers(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals(name)).count();
    }

    @Test
    void aThreadThatComputesLongOnTheReaderIsNotHandedOver() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            AtomicReference<Thread> waiting = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            natrix.service("computes").endpoint("Once", String.class, ignored -> {
                replyOnceWaiting(waiting);
                if (first.getAndSet(false)) {
                    spin(ReaderWatch.HELD.multipliedBy(3)); // runnable all along: the watch sees it, and leaves it
                }
                return Thread.currentThread().toString();
            }).start();
            List<String> handlers = new ArrayList<>();
            Thread caller = Natrix.virtualThreads().start(() -> {
                waiting.set(Thread.currentThread());
                for (int i = 0; i < 10; i++) {
                    handlers.add(natrix.call("ms.computes.Once", "", String.class, Duration.ofSeconds(5)));
                }
            });
            assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            // handed over, the endpoint would have been moved to the carriers for its cool-off (10 s)
            assertThat(handlers.getFirst()).contains(READER);
            assertThat(handlers.subList(1, 10)).as("%s", runs(handlers)).filteredOn(where -> where.contains(READER)).hasSizeGreaterThan(6);
        }
    }

    private static volatile Natrix forPinned;

    /** Calls while initialized: a thread waiting inside a class initializer cannot leave its carrier. */
    private static final class WaitsInItsInitializer {
        static final String ANSWER = forPinned.call("ms.pinned.Echo", "echoed", String.class, Duration.ofSeconds(10));
    }

    /**
     * Returns once {@code caller} waits for its reply, so that the reply wakes it where the reply is read. Without
     * this a caller on a carrier that the OS keeps from parking for a whole round trip (a busy machine, the JIT at
     * work) finds its reply already there, goes on on its carrier, and may do so call after call (CI saw it:
     * {@code CCCCC}); where a thread that never waited runs is not what these tests are about.
     */
    private static void replyOnceWaiting(AtomicReference<Thread> caller) {
        Thread thread = caller.get();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread != null && !waiting(thread.getState()) && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    private static boolean waiting(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static boolean moved(List<String> wheres) {
        return wheres.size() >= IN_A_ROW
                && wheres.subList(wheres.size() - IN_A_ROW, wheres.size()).stream().allMatch(w -> w.contains(CARRIER));
    }

    /**
     * Until it was moved, an owner ran on the reader, bar a run now and then that found more to read (a PING):
     * at least the runs that move it, most of them on the reader.
     */
    private static void assertMostlyOnTheReaderBeforeTheMove(List<String> wheres) {
        List<String> before = wheres.subList(0, wheres.size() - IN_A_ROW);
        assertThat(before).filteredOn(where -> where.contains(READER)).as("%s", runs(wheres)).hasSizeGreaterThanOrEqualTo(RUNS_THAT_MOVE);
        assertThat(before).filteredOn(where -> where.contains(CARRIER)).as("%s", runs(wheres)).hasSizeLessThan(before.size() / 4);
    }

    /** Where each run was, in order: R on a reader, C on a carrier, ? elsewhere. */
    private static String runs(List<String> wheres) {
        StringBuilder runs = new StringBuilder();
        wheres.forEach(where -> runs.append(where.contains(READER) ? 'R' : where.contains(CARRIER) ? 'C' : '?'));
        return runs.toString();
    }

    private static void spin(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void withoutTheOpenPackageEveryThreadRunsOnTheCarriersAndTheFirstConnectionSaysHow() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                nats.url(), nats.seed().toString(), nats.ca().toString()).redirectErrorStream(true).start();
        List<String> lines;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("%s", lines).isZero();
        assertThat(lines).anyMatch(line -> line.contains(
                "readers cannot run virtual threads without --add-opens java.base/java.lang=ALL-UNNAMED"));
        assertThat(lines).filteredOn(line -> line.startsWith("handler ") || line.startsWith("caller "))
                .hasSize(2).allMatch(line -> line.contains(CARRIER), "on a carrier");
    }

    /** A JVM without {@code --add-opens}: prints where a handler and its caller ran. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            try (Natrix natrix = Natrix.builder().servers(args[0]).credentials(java.nio.file.Path.of(args[1]))
                    .trust(java.nio.file.Path.of(args[2])).shutdownHook(false).connect()) {
                natrix.service("child").endpoint("Where", String.class, ignored -> Thread.currentThread().toString()).start();
                Thread caller = Natrix.virtualThreads().start(() -> {
                    System.out.println("handler " + natrix.call("ms.child.Where", "", String.class, Duration.ofSeconds(5)));
                    System.out.println("caller " + Thread.currentThread());
                });
                caller.join();
            }
        }
    }
}
