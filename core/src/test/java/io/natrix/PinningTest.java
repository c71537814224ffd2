package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Handlers, listeners and callers block without pinning their carrier thread (JFR jdk.VirtualThreadPinned). */
class PinningTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void blockingCallsHandlersAndListenersDoNotPinCarrierThreads() throws Exception {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("sleepy")
                    .endpoint("Nap", Integer.class, n -> {
                        Thread.sleep(1);
                        return natrix.call("ms.sleepy.Echo", n, Integer.class, Duration.ofSeconds(5));
                    })
                    .endpoint("Echo", Integer.class, n -> n)
                    .broadcastListener("ms.sleepy.Tick", Integer.class, n -> Thread.sleep(1))
                    .start();
            // a cold JVM pins while it loads classes (a class loader's lock is taken in native code), which is the
            // JDK's doing, not natrix's: a first round loads them, and the second, recorded, is the one that counts
            callAndPublish(natrix, 100);
            List<RecordedEvent> pinned = new CopyOnWriteArrayList<>();
            try (RecordingStream recording = new RecordingStream()) {
                recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
                recording.onEvent("jdk.VirtualThreadPinned", pinned::add);
                recording.startAsync();
                callAndPublish(natrix, 500);
                recording.stop();
            }
            assertThat(pinned).as("pinned virtual threads: %s", pinned).isEmpty();
        }
    }

    /** {@code count} callers at once, each publishing a tick and calling a handler that sleeps and calls again. */
    private static void callAndPublish(Natrix natrix, int count) throws Exception {
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> calls = IntStream.range(0, count)
                    .mapToObj(i -> callers.submit(() -> {
                        natrix.publish("ms.sleepy.Tick", i);
                        return natrix.call("ms.sleepy.Nap", i, Integer.class, Duration.ofSeconds(10));
                    }))
                    .toList();
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get()).isEqualTo(i);
            }
        }
    }
}
