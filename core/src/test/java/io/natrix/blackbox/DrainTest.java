package io.natrix.blackbox;

import io.natrix.testkit.NatsSecurity;

import io.natrix.Natrix;
import io.natrix.NoRespondersException;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void requestsInFlightWhenCloseStartsAreAllAnswered() throws Exception {
        Semaphore entered = new Semaphore(0);
        Natrix server = TestNatrix.connect(nats);
        server.service("slow").endpoint("Work", Integer.class, n -> {
            entered.release();
            Thread.sleep(300);
            return n * 2;
        }).start();
        try (Natrix caller = TestNatrix.connect(nats);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> calls = IntStream.range(0, 20)
                    .mapToObj(i -> threads.submit(() -> caller.call("ms.slow.Work", i, Integer.class, Duration.ofSeconds(5))))
                    .toList();
            entered.acquire(20);

            long started = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close waits for the handlers")
                    .isGreaterThan(Duration.ofMillis(100));

            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get()).isEqualTo(i * 2);
            }
            assertThatThrownBy(() -> caller.call("ms.slow.Work", 1, Integer.class, Duration.ofSeconds(1)))
                    .as("after close nobody serves the subject").isInstanceOf(NoRespondersException.class);
        }
    }

    @Test
    void closingAServiceLeavesTheConnectionAndOtherServicesRunning() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            Service one = natrix.service("one").endpoint("Hi", String.class, s -> "one").start();
            natrix.service("two").endpoint("Hi", String.class, s -> "two").start();
            one.close();
            one.close();
            assertThat(natrix.call("ms.two.Hi", "", String.class, Duration.ofSeconds(1))).isEqualTo("two");
            assertThatThrownBy(() -> natrix.call("ms.one.Hi", "", String.class, Duration.ofSeconds(1)))
                    .isInstanceOf(NoRespondersException.class);
        }
    }

    @Test
    void closeDoesNotWaitOutTheDrainTimeoutWhenTheServerIsGone() {
        io.natrix.testkit.NatsServerProcess server = io.natrix.testkit.NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).drainTimeout(Duration.ofSeconds(30))
                .connect();
        natrix.service("orphan").endpoint("Hi", String.class, s -> "hi")
                .broadcastListener("ms.orphan.Tick", String.class, s -> { })
                .start();
        server.stop();
        org.awaitility.Awaitility.await().until(() -> natrix.nats().getStatus() != io.nats.client.Connection.Status.CONNECTED);

        long started = System.nanoTime();
        natrix.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(natrix.nats().getStatus()).isEqualTo(io.nats.client.Connection.Status.CLOSED);
    }
}
