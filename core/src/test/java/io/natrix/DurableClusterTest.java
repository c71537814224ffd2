package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** kill -9 of one server of three while events flow: every acknowledged event is still handled. */
class DurableClusterTest {

    @RegisterExtension
    static final NatsServerExtension cluster = NatsServerExtension.cluster(3).withJetStream();

    record Fare(String rideId, int cents) {
    }

    @Test
    void noAcknowledgedEventIsLostWhenAServerDies() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        AtomicInteger publishRetries = new AtomicInteger();
        // both on the first server (the list in order), which then dies: the worst case for each of them
        try (Natrix publisher = Natrix.builder().servers(cluster.url())
                .credentials(cluster.seed()).trust(cluster.ca()).natsOptions(o -> o.noRandomize()).shutdownHook(false).connect();
             Natrix worker = Natrix.builder().servers(cluster.url())
                     .credentials(cluster.seed()).trust(cluster.ca()).natsOptions(o -> o.noRandomize()).shutdownHook(false).connect()) {
            Durable durable = Durable.stream("FARES", "ms.fares.completed").replicas(3).ackWait(Duration.ofSeconds(2));
            worker.service("fares").version("1.0.0").durableListener(durable, Fare.class, fare -> {
                deliveries.incrementAndGet();
                handled.add(fare.rideId());
            }).start();

            for (int i = 0; i < 300; i++) {
                if (i == 100) {
                    assertThat(publisher.nats().getConnectedUrl()).endsWith(":" + cluster.servers().getFirst().port());
                    assertThat(worker.nats().getConnectedUrl()).endsWith(":" + cluster.servers().getFirst().port());
                    cluster.servers().getFirst().kill();
                }
                String id = "fare-" + i;
                // the publisher's side of "nothing lost": retry with the same id until the stream confirms
                long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (true) {
                    try {
                        publisher.publishDurable("ms.fares.completed", new Fare("ride-" + i, i), id);
                        break;
                    } catch (NatrixException e) {
                        assertThat(System.nanoTime()).as("stored within 30 s: " + e.getMessage()).isLessThan(giveUp);
                        publishRetries.incrementAndGet();
                        Thread.sleep(100);
                    }
                }
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handled).hasSize(300));
            System.out.printf("durable cluster: 300 events, %d deliveries, %d publish retries after killing a server%n",
                    deliveries.get(), publishRetries.get());
        }
    }
}
