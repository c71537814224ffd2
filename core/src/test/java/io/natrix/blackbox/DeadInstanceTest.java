package io.natrix.blackbox;

import io.natrix.CallTimeoutException;
import io.natrix.EndpointStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An instance vanishes without draining, and callers that gave up do not hurt a service. */
class DeadInstanceTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void requestsHeldByAVanishedInstanceTimeOutCleanlyAndTheOthersServe() throws Exception {
        Semaphore entered = new Semaphore(0);
        CountDownLatch never = new CountDownLatch(1);
        Natrix doomed = TestNatrix.connect(nats);
        doomed.service("users").endpoint("GetUser", String.class, id -> {
            entered.release();
            never.await();
            return "doomed";
        }).start();
        try (Natrix healthy = TestNatrix.connect(nats);
             Natrix caller = TestNatrix.connect(nats);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> held = threads.submit(() -> caller.call("ms.users.GetUser", "1", String.class, Duration.ofMillis(800)));
            entered.acquire();
            healthy.service("users").endpoint("GetUser", String.class, id -> "healthy").start();

            TestNatrix.vanish(doomed); // gone without a drain, as if the process died

            assertThatThrownBy(held::get).hasCauseInstanceOf(CallTimeoutException.class);
            for (int i = 0; i < 50; i++) {
                assertThat(caller.call("ms.users.GetUser", "x", String.class, Duration.ofSeconds(1))).isEqualTo("healthy");
            }
        } finally {
            never.countDown();
            doomed.close();
        }
    }

    @Test
    void aCallerThatGaveUpDoesNotHurtTheService() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            Service slow = natrix.service("slow").endpoint("Work", Integer.class, n -> {
                Thread.sleep(n);
                return n;
            }).start();
            assertThatThrownBy(() -> natrix.call("ms.slow.Work", 200, Integer.class, Duration.ofMillis(20)))
                    .isInstanceOf(CallTimeoutException.class);
            assertThat(natrix.call("ms.slow.Work", 1, Integer.class, Duration.ofSeconds(2))).isEqualTo(1);
            EndpointStats stats = slow.snapshot().endpoints().getFirst();
            assertThat(stats.errors()).as("a reply nobody waits for is not an error").isZero();
        }
    }
}
