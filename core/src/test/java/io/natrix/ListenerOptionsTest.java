package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A listener says how it takes its events: one that must see every event never has one dropped however far
 * behind it falls; one that never blocks runs where events are read, in order, and is moved to its virtual
 * thread, order and one-at-a-time kept, the first time an event takes it too long.
 */
class ListenerOptionsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void aListenerThatMustSeeEveryEventHasNoneDroppedWhereTheServicesBacklogWouldDrop() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicInteger everyOne = new AtomicInteger();
        AtomicInteger bounded = new AtomicInteger();
        try (Natrix natrix = TestNatrix.connect(nats); Natrix publisher = TestNatrix.connect(nats)) {
            Service geo = natrix.service("geo-index")
                    .listenerBacklog(10)
                    .broadcastListener("ms.geo.Point", String.class, point -> {
                        stuck.await();
                        everyOne.incrementAndGet();
                    }, ListenerOptions.defaults().neverDrop())
                    .broadcastListener("ms.geo.Point", String.class, point -> {
                        stuck.await();
                        bounded.incrementAndGet();
                    })
                    .start();
            for (int i = 0; i < 2_000; i++) {
                publisher.publish("ms.geo.Point", "p" + i);
            }
            publisher.nats().flush(Duration.ofSeconds(2));
            await().until(() -> geo.listeners().get(0).pending() >= 1_999 && geo.listeners().get(1).dropped() > 0);

            stuck.countDown();
            await().until(() -> everyOne.get() == 2_000);
            assertThat(geo.listeners().get(0).dropped()).as("never dropped").isZero();
            assertThat(geo.listeners().get(1).dropped()).as("the service's backlog of 10 dropped").isGreaterThan(1_900);
        }
    }

    @Test
    void aNonBlockingListenerRunsWhereEventsAreReadInOrder() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (Natrix natrix = TestNatrix.connect(nats); Natrix publisher = TestNatrix.connect(nats)) {
            Service counter = natrix.service("counter")
                    .broadcastListener("ms.counter.Tick", Integer.class, tick -> {
                        seen.add(tick);
                        threads.add(Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName());
                    }, ListenerOptions.defaults().nonBlocking())
                    .start();
            for (int i = 0; i < 1_000; i++) {
                publisher.publish("ms.counter.Tick", i);
            }
            await().until(() -> seen.size() == 1_000);
            assertThat(seen).isSorted();
            assertThat(threads).allSatisfy(thread -> assertThat(thread).startsWith("natrix-core-reader"));
            assertThat(counter.listeners().getFirst().handled()).isEqualTo(1_000);
        }
    }

    @Test
    void aNonBlockingListenerThatKeepsBlockingIsMovedToItsVirtualThreadWithItsOrderKept() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        try (Natrix natrix = TestNatrix.connect(nats); Natrix publisher = TestNatrix.connect(nats)) {
            natrix.service("mistaken")
                    .broadcastListener("ms.mistaken.Tick", Integer.class, tick -> {
                        mostAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        if (tick >= 100 && tick < 100 + ListenerOptions.NON_BLOCKING_STRIKES) {
                            Thread.sleep(ListenerOptions.NON_BLOCKING_LIMIT.multipliedBy(3)); // breaks its word, often enough
                        }
                        seen.add(tick);
                        virtual.add(Thread.currentThread().isVirtual());
                        inside.decrementAndGet();
                    }, ListenerOptions.defaults().nonBlocking())
                    .start();
            for (int i = 0; i < 1_000; i++) {
                publisher.publish("ms.mistaken.Tick", i);
            }
            await().until(() -> seen.size() == 1_000);
            assertThat(seen).isSorted();
            assertThat(mostAtOnce).hasValue(1);
            // a slow first event (classes loading) may be a strike too, so the move may come one event early
            assertThat(virtual.subList(0, 100)).as("before it blocks: the reader thread").containsOnly(false);
            assertThat(virtual.subList(100 + ListenerOptions.NON_BLOCKING_STRIKES, 1_000))
                    .as("after it blocked often enough: the listener's virtual thread").containsOnly(true);
        }
    }

    @Test
    void optionsSayWhatTheyAre() {
        assertThat(ListenerOptions.defaults().neverDrop().nonBlocking())
                .satisfies(options -> assertThat(options.dropsNothing()).isTrue())
                .satisfies(options -> assertThat(options.isNonBlocking()).isTrue())
                .hasToString("ListenerOptions[never drop, non-blocking]");
        assertThat(ListenerOptions.defaults().neverDrop().backlog(5).dropsNothing()).as("the later choice wins").isFalse();
        assertThatThrownBy(() -> ListenerOptions.defaults().backlog(0)).hasMessageContaining("at least 1 event");
    }
}
