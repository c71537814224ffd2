package io.natrix;

import io.natrix.spi.HopObserver;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retries only where they are safe, always within the deadline; hedging beats a slow instance. */
class RetriesAndHedgingTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Ask(String what) {
    }

    static Natrix natrix;
    static final AtomicInteger sluggishCalls = new AtomicInteger();
    static final AtomicBoolean stalled = new AtomicBoolean(); // the next request the second instance gets takes 2 s

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).noCircuitBreaker()
                .drainTimeout(Duration.ofSeconds(1)).connect();
        natrix.service("retry").version("1.0.0")
                // the first request of each test sleeps past its attempt's share, the next ones answer at once
                .endpoint("Sluggish", Ask.class, ask -> {
                    if (sluggishCalls.getAndIncrement() == 0) {
                        Thread.sleep(1_500);
                    }
                    return ask;
                })
                // one request at a time: a second one at once is refused with 429
                .endpoint("Narrow", Ask.class, ask -> {
                    Thread.sleep(150);
                    return ask;
                }, EndpointOptions.defaults().maxInFlight(1))
                .start();
        // two instances of one endpoint in one queue group; the second stalls 2 s on one request when told to
        // (a GC pause, a cold cache): the queue group picks either at random
        natrix.service("hedge").version("1.0.0").endpoint("Get", Ask.class, ask -> ask).start();
        natrix.service("hedge").version("1.0.0").endpoint("Get", Ask.class, ask -> {
            if (stalled.compareAndSet(true, false)) {
                Thread.sleep(2_000);
            }
            return ask;
        }).start();
    }

    @AfterAll
    static void stop() {
        natrix.close();
    }

    @Test
    void noRespondersIsRetriedWithBackoffUntilAnInstanceAppears() throws Exception {
        CallOptions options = CallOptions.timeout(Duration.ofSeconds(3)).retries(8)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200));
        AtomicInteger foundNobody = new AtomicInteger();
        try (Natrix caller = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).noCircuitBreaker().connect();
             var background = Executors.newVirtualThreadPerTaskExecutor()) {
            caller.observe(hop -> new HopObserver.Scope() {
                @Override
                public void note(String event) {
                    if (hop.subject().equals("ms.late.Get") && event.contains(NoRespondersException.class.getSimpleName())) {
                        foundNobody.incrementAndGet();
                    }
                }

                @Override
                public void end(int code, String message) {
                }
            });
            Future<Ask> call = background.submit(() -> caller.call("ms.late.Get", new Ask("hi"), Ask.class, options));
            // the instance starts only once the call has found nobody and is retrying
            await().atMost(Duration.ofSeconds(2)).until(() -> foundNobody.get() > 0);
            try (Service late = natrix.service("late").version("1.0.0").endpoint("Get", Ask.class, ask -> ask).start()) {
                assertThat(call.get()).isEqualTo(new Ask("hi"));
            }
        }
    }

    @Test
    void withoutRetriesNoRespondersFailsAtOnce() {
        assertThatThrownBy(() -> natrix.call("ms.nobody.Get", new Ask("x"), Ask.class, CallOptions.timeout(Duration.ofSeconds(1))))
                .isInstanceOf(NoRespondersException.class);
    }

    @Test
    void aTimeoutIsNotRetriedUnlessTheCallIsIdempotent() {
        sluggishCalls.set(0);
        CallOptions notIdempotent = CallOptions.timeout(Duration.ofMillis(600)).retries(2);

        assertThatThrownBy(() -> natrix.call("ms.retry.Sluggish", new Ask("x"), Ask.class, notIdempotent))
                .isInstanceOf(CallTimeoutException.class);
        assertThat(sluggishCalls.get()).as("sent once: it may have been done").isEqualTo(1);
    }

    @Test
    void anIdempotentCallIsRetriedAfterATimeoutWithinItsDeadline() {
        sluggishCalls.set(0);
        CallOptions idempotent = CallOptions.timeout(Duration.ofMillis(1_200)).idempotent().retries(2);
        long started = System.nanoTime();

        Ask reply = natrix.call("ms.retry.Sluggish", new Ask("x"), Ask.class, idempotent);

        assertThat(reply).isEqualTo(new Ask("x"));
        assertThat(sluggishCalls.get()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("within the one deadline")
                .isLessThan(Duration.ofMillis(1_200));
    }

    @Test
    void anOverloadIsRetriedAfterABackoff() throws Exception {
        CallOptions options = CallOptions.timeout(Duration.ofSeconds(3)).retries(10)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(300));
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Ask>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String what = "n" + i;
                calls.add(callers.submit(() -> natrix.call("ms.retry.Narrow", new Ask(what), Ask.class, options)));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(calls.get(i).get()).isEqualTo(new Ask("n" + i));
            }
        }
        assertThatThrownBy(() -> {
            try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Ask>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(callers.submit(() -> natrix.call("ms.retry.Narrow", new Ask("once"), Ask.class, Duration.ofSeconds(3))));
                }
                for (Future<Ask> call : calls) {
                    call.get();
                }
            }
        }).as("without retries, the same burst is refused").hasCauseInstanceOf(OverloadedException.class);
    }

    @Test
    void hedgingAnswersFromAnotherCopyWhenTheFirstOneStalls() {
        CallOptions hedged = CallOptions.timeout(Duration.ofSeconds(5)).idempotent().hedgeAfter(Duration.ofMillis(50));

        assertThat(slowestCallUntilTheStallIsHit(hedged)).as("no call waited for the stalled copy")
                .isLessThan(Duration.ofMillis(1_000));
    }

    @Test
    void withoutHedgingTheStalledRequestIsWaitedFor() {
        assertThat(slowestCallUntilTheStallIsHit(CallOptions.timeout(Duration.ofSeconds(5)).idempotent()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(2_000));
    }

    @Test
    void hedgingAtP95LearnsTheSubjectsLatencyFirst() {
        CallOptions hedged = CallOptions.timeout(Duration.ofSeconds(5)).idempotent().hedgeAtP95();
        for (int i = 0; i < SubjectLatencies.MIN_SAMPLES; i++) {
            natrix.call("ms.hedge.Get", new Ask("p" + i), Ask.class, hedged);
        }

        assertThat(slowestCallUntilTheStallIsHit(hedged)).as("hedged after a p95 of about a millisecond")
                .isLessThan(Duration.ofMillis(1_000));
    }

    /** Stalls the second instance's next request, calls until that request came, and returns the slowest call. */
    private static Duration slowestCallUntilTheStallIsHit(CallOptions options) {
        stalled.set(true);
        long slowest = 0;
        for (int i = 0; i < 200 && stalled.get(); i++) {
            long started = System.nanoTime();
            assertThat(natrix.call("ms.hedge.Get", new Ask("h" + i), Ask.class, options)).isEqualTo(new Ask("h" + i));
            slowest = Math.max(slowest, System.nanoTime() - started);
        }
        assertThat(stalled).as("the queue group sent a request to the second instance").isFalse();
        return Duration.ofNanos(slowest);
    }

    @Test
    void hedgingACallNotDeclaredIdempotentIsRefused() {
        assertThatThrownBy(() -> natrix.call("ms.hedge.Get", new Ask("x"), Ask.class,
                CallOptions.timeout(Duration.ofSeconds(1)).hedgeAfter(Duration.ofMillis(10))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotent");
    }

    @Test
    void backoffGrowsExponentiallyUpToItsCeiling() {
        CallOptions options = CallOptions.defaults().backoff(Duration.ofMillis(20), Duration.ofMillis(100));

        assertThat(options.backoffCeiling(1)).isEqualTo(Duration.ofMillis(20));
        assertThat(options.backoffCeiling(2)).isEqualTo(Duration.ofMillis(40));
        assertThat(options.backoffCeiling(3)).isEqualTo(Duration.ofMillis(80));
        assertThat(options.backoffCeiling(4)).isEqualTo(Duration.ofMillis(100));
        assertThat(options.backoffCeiling(60)).isEqualTo(Duration.ofMillis(100));
    }
}
