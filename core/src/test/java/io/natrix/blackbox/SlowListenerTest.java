package io.natrix.blackbox;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SlowListenerTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void aListenerThatFallsBehindIsReportedAndTheServiceGoesOn() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicInteger fastListenerGot = new AtomicInteger();
        try (Natrix natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(1)).connect();
             Natrix publisher = TestNatrix.connect(nats)) {
            Service geo = natrix.service("geo")
                    .listenerBacklog(10)
                    .broadcastListener("ms.geo.UpdatePoint", String.class, point -> stuck.await())
                    .broadcastListener("ms.geo.UpdatePoint", String.class, point -> fastListenerGot.incrementAndGet())
                    .endpoint("Nearby", String.class, point -> "nobody near " + point)
                    .start();

            for (int i = 0; i < 500; i++) {
                publisher.publish("ms.geo.UpdatePoint", "p" + i);
            }
            publisher.flush(Duration.ofSeconds(2));

            await().until(() -> geo.listeners().getFirst().dropped() > 0);
            assertThat(natrix.call("ms.geo.Nearby", "here", String.class, Duration.ofSeconds(2)))
                    .as("endpoints still answer").isEqualTo("nobody near here");
            await().until(() -> fastListenerGot.get() + geo.listeners().get(1).dropped() == 500);
            assertThat(geo.listeners().getFirst().dropped()).isGreaterThan(400);
            stuck.countDown();
        }
    }
}
