package io.natrix;

import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Durable listeners: stored before the publisher hears back, acknowledged after the handler, retried, dead-lettered. */
class DurableListenerTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    record Charge(String rideId, int cents) {
    }

    static Natrix natrix;

    @BeforeAll
    static void connect() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
    }

    @AfterAll
    static void close() {
        natrix.close();
    }

    @Test
    void everyStoredEventIsHandledOnceAcrossInstancesAndFailuresAreRetried() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Set<String> done = ConcurrentHashMap.newKeySet();
        Listener<Charge> flaky = charge -> {
            // every fifth event fails on its first attempt
            if (attempts.computeIfAbsent(charge.rideId(), id -> new AtomicInteger()).incrementAndGet() == 1
                    && charge.rideId().endsWith("0")) {
                throw new IllegalStateException("payment provider hiccup");
            }
            assertThat(done.add(charge.rideId())).as("handled once: " + charge.rideId()).isTrue();
        };
        Durable durable = Durable.stream("CHARGES", "ms.billing.charge").backoff(Duration.ofMillis(20), Duration.ofMillis(100));
        try (Service one = natrix.service("billing").version("1.0.0").durableListener(durable, Charge.class, flaky).start();
             Service two = natrix.service("billing").version("1.0.0").durableListener(durable, Charge.class, flaky).start()) {
            for (int i = 0; i < 100; i++) {
                assertThat(natrix.publishDurable("ms.billing.charge", new Charge("ride-" + i, 100 + i), "charge-ride-" + i)).isTrue();
            }

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(done).hasSize(100));
            long handledByOne = one.listeners().getFirst().handled();
            long handledByTwo = two.listeners().getFirst().handled();
            assertThat(handledByOne + handledByTwo).as("100 events and 10 retries").isEqualTo(110);
            assertThat(handledByOne).as("the work is shared").isPositive();
            assertThat(handledByTwo).isPositive();
            assertThat(one.listeners().getFirst().errors() + two.listeners().getFirst().errors()).isEqualTo(10);
        }
    }

    @Test
    void aRetriedPublishWithTheSameIdIsStoredAndHandledOnce() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Durable durable = Durable.stream("REFUNDS", "ms.billing.refund");
        try (Service service = natrix.service("refunds").version("1.0.0")
                .durableListener(durable, Charge.class, charge -> handled.incrementAndGet()).start()) {
            assertThat(natrix.publishDurable("ms.billing.refund", new Charge("ride-7", 500), "refund-ride-7")).isTrue();
            assertThat(natrix.publishDurable("ms.billing.refund", new Charge("ride-7", 500), "refund-ride-7"))
                    .as("the publisher retried: a duplicate").isFalse();
            assertThat(natrix.publishDurable("ms.billing.refund", new Charge("ride-8", 300), "refund-ride-8")).isTrue();

            var streams = natrix.nats().jetStreamManagement();
            assertThat(streams.getStreamInfo("REFUNDS").getStreamState().getMsgCount()).as("stored once").isEqualTo(2);
            // handled once: every stored event delivered and acknowledged, nothing left to deliver again
            await().atMost(Duration.ofSeconds(5)).until(() -> streams.getConsumers("REFUNDS").stream()
                    .allMatch(consumer -> consumer.getNumPending() == 0 && consumer.getNumAckPending() == 0
                            && consumer.getDelivered().getStreamSequence() == 2));
            assertThat(handled).hasValue(2);
        }
    }

    @Test
    void anEventThatKeepsFailingIsDeadLetteredWithItsReasonAndTheOthersGoOn() throws Exception {
        Set<String> done = ConcurrentHashMap.newKeySet();
        Durable durable = Durable.stream("TIPS", "ms.billing.tip").maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        try (Service service = natrix.service("tips").version("1.0.0")
                .durableListener(durable, Charge.class, charge -> {
                    if (charge.cents() < 0) {
                        throw new IllegalArgumentException("a tip cannot be negative: " + charge.cents());
                    }
                    done.add(charge.rideId());
                }).start()) {
            natrix.publishDurable("ms.billing.tip", new Charge("ride-1", 200), "tip-1");
            natrix.publishDurable("ms.billing.tip", new Charge("ride-2", -5), "tip-2");
            natrix.publishDurable("ms.billing.tip", "{not json".getBytes(StandardCharsets.UTF_8), "tip-3");
            natrix.publishDurable("ms.billing.tip", new Charge("ride-4", 100), "tip-4");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(done).containsExactlyInAnyOrder("ride-1", "ride-4");
                assertThat(service.listeners().getFirst().dropped()).as("dead-lettered").isEqualTo(2);
            });
            assertThat(service.listeners().getFirst().errors()).as("3 attempts of the negative tip, 1 of the bad JSON").isEqualTo(4);

            List<Message> deadLetters = read("TIPS_DLQ", "dlq.TIPS.tips-TIPS", 2);
            assertThat(deadLetters).extracting(m -> m.getHeaders().getFirst(DurableRunner.DEAD_LETTER_REASON))
                    .anySatisfy(reason -> assertThat(reason).contains("a tip cannot be negative"))
                    .anySatisfy(reason -> assertThat(reason).contains("not a Charge"));
            assertThat(deadLetters).extracting(m -> m.getHeaders().getFirst(DurableRunner.DEAD_LETTER_ATTEMPTS))
                    .containsExactlyInAnyOrder("3", "1");
            assertThat(deadLetters).allSatisfy(m ->
                    assertThat(m.getHeaders().getFirst(DurableRunner.ORIGINAL_SUBJECT)).isEqualTo("ms.billing.tip"));
        }
    }

    @Test
    void eventsStoredWhileNoInstanceRunsAreHandledWhenOneStarts() {
        Set<String> done = ConcurrentHashMap.newKeySet();
        Durable durable = Durable.stream("BONUSES", "ms.billing.bonus");
        natrix.service("bonus").version("1.0.0").durableListener(durable, Charge.class, charge -> done.add(charge.rideId()))
                .start().close(); // creates the stream and the consumer, then nobody runs
        IntStream.range(0, 20).forEach(i -> natrix.publishDurable("ms.billing.bonus", new Charge("b" + i, 1), "bonus-" + i));

        try (Service late = natrix.service("bonus").version("1.0.0")
                .durableListener(durable, Charge.class, charge -> done.add(charge.rideId())).start()) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(done).hasSize(20));
        }
        assertThat(done).isEqualTo(IntStream.range(0, 20).mapToObj(i -> "b" + i).collect(Collectors.toSet()));
    }

    @Test
    void publishingWhereNoStreamStoresTheSubjectSaysSo() {
        assertThatThrownBy(() -> natrix.publishDurable("ms.nowhere.event", new Charge("x", 1), "x-1"))
                .isInstanceOfSatisfying(NoRespondersException.class, e ->
                        assertThat(e.getMessage()).contains("no JetStream stream stores 'ms.nowhere.event'"));
        assertThatThrownBy(() -> natrix.publishDurable("ms.nowhere.event", new Charge("x", 1), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
    }

    private static List<Message> read(String stream, String subject, int count) throws Exception {
        JetStreamSubscription subscription = natrix.nats().jetStream().subscribe(subject,
                PullSubscribeOptions.builder().stream(stream).build());
        try {
            return subscription.fetch(count, Duration.ofSeconds(2));
        } finally {
            subscription.unsubscribe();
        }
    }
}
