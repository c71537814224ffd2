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
        List<RecordedEvent> pinned = new CopyOnWriteArrayList<>();
        try (RecordingStream recording = new RecordingStream()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.onEvent("jdk.VirtualThreadPinned", pinned::add);
            recording.startAsync();

            try (Natrix natrix = TestNatrix.connect(nats);
                 var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                natrix.service("sleepy")
                        .endpoint("Nap", Integer.class, n -> {
                            Thread.sleep(1);
                            return natrix.call("ms.sleepy.Echo", n, Integer.class, Duration.ofSeconds(5));
                        })
                        .endpoint("Echo", Integer.class, n -> n)
                        .broadcastListener("ms.sleepy.Tick", Integer.class, n -> Thread.sleep(1))
                        .start();
                List<Future<Integer>> calls = IntStream.range(0, 500)
                        .mapToObj(i -> callers.submit(() -> {
                            natrix.publish("ms.sleepy.Tick", i);
                            return natrix.call("ms.sleepy.Nap", i, Integer.class, Duration.ofSeconds(10));
                        }))
                        .toList();
                for (int i = 0; i < calls.size(); i++) {
                    assertThat(calls.get(i).get()).isEqualTo(i);
                }
            }
            recording.stop();
        }
        assertThat(pinned).as("pinned virtual threads: %s", pinned).isEmpty();
    }
}
