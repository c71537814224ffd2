package io.natrix.blackbox;

import io.natrix.EndpointOptions;
import io.natrix.EndpointStats;
import io.natrix.Natrix;
import io.natrix.OverloadedException;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverloadTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void pastTheInFlightBoundCallersGetTheOverloadErrorAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Semaphore entered = new Semaphore(0);
        try (Natrix natrix = TestNatrix.connect(nats);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Service service = natrix.service("reports")
                    .endpoint("Build", String.class, name -> {
                        entered.release();
                        release.await();
                        return "report " + name;
                    }, EndpointOptions.defaults().maxInFlight(2))
                    .start();
            List<Future<String>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String name = "r" + i;
                held.add(threads.submit(() -> natrix.call("ms.reports.Build", name, String.class, Duration.ofSeconds(10))));
            }
            entered.acquire(2);

            long started = System.nanoTime();
            assertThatThrownBy(() -> natrix.call("ms.reports.Build", "r3", String.class, Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(OverloadedException.class, e -> {
                        assertThat(e.code()).isEqualTo(429);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("reports.Build is overloaded");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

            EndpointStats stats = service.snapshot().endpoints().getFirst();
            assertThat(stats.inFlight()).isEqualTo(2);
            assertThat(stats.overloaded()).isEqualTo(1);

            release.countDown();
            for (Future<String> call : held) {
                assertThat(call.get()).startsWith("report r");
            }
            assertThat(natrix.call("ms.reports.Build", "r4", String.class, Duration.ofSeconds(2))).isEqualTo("report r4");
        }
    }
}
