package io.natrix.blackbox;

import io.natrix.ListenerStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BroadcastTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Point(String driverId, double lat, double lng) {
    }

    @Test
    void everyListenerInstanceGetsEveryEventExactlyOnceAndInOrder() {
        List<Natrix> instances = new ArrayList<>();
        List<List<Point>> received = new ArrayList<>();
        try (Natrix publisher = TestNatrix.connect(nats)) {
            for (int i = 0; i < 3; i++) {
                Natrix instance = TestNatrix.connect(nats);
                List<Point> events = new CopyOnWriteArrayList<>();
                instances.add(instance);
                received.add(events);
                instance.service("geo").broadcastListener("ms.geo.UpdatePoint", Point.class, events::add).start();
            }
            for (int i = 0; i < 200; i++) {
                publisher.publish("ms.geo.UpdatePoint", new Point("d" + i, 32.08, 34.78));
            }
            await().until(() -> received.stream().allMatch(events -> events.size() >= 200));
            publisher.flush(java.time.Duration.ofSeconds(1));
            instances.forEach(Natrix::close);
            for (List<Point> events : received) {
                assertThat(events).extracting(Point::driverId)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "d" + i).toList());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            instances.forEach(Natrix::close);
        }
    }

    @Test
    void balancedListenerGivesEachEventToOneInstance() {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        List<Natrix> instances = new ArrayList<>();
        try (Natrix publisher = TestNatrix.connect(nats)) {
            for (int i = 0; i < 3; i++) {
                Natrix instance = TestNatrix.connect(nats);
                instances.add(instance);
                instance.service("billing").balancedListener("ms.rides.Completed", String.class, ride -> {
                    seen.computeIfAbsent(ride, r -> new AtomicInteger()).incrementAndGet();
                    total.incrementAndGet();
                }).start();
            }
            for (int i = 0; i < 300; i++) {
                publisher.publish("ms.rides.Completed", "ride-" + i);
            }
            await().until(() -> seen.size() == 300);
            instances.forEach(Natrix::close); // drains: every delivered event is handled before close returns
            assertThat(total.get()).isEqualTo(300);
            assertThat(seen.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        } finally {
            instances.forEach(Natrix::close);
        }
    }

    @Test
    void aFailingListenerIsCountedAndGoesOn() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            Service service = natrix.service("picky").broadcastListener("ms.numbers", Integer.class, n -> {
                if (n % 2 == 0) {
                    throw new IllegalStateException("even numbers are not welcome: " + n);
                }
                handled.add(n);
            }).start();
            for (int i = 1; i <= 10; i++) {
                natrix.publish("ms.numbers", i);
            }
            natrix.publish("ms.numbers", "not a number".getBytes());
            await().until(() -> service.listeners().getFirst().handled() == 11);
            ListenerStats stats = service.listeners().getFirst();
            assertThat(handled).containsExactly(1, 3, 5, 7, 9);
            assertThat(stats.errors()).isEqualTo(6);
            assertThat(stats.lastError()).hasValueSatisfying(error -> assertThat(error).contains("malformed JSON"));
        }
    }
}
