package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Replies routed and requests admitted on the core connection's reader thread, losing nothing. */
class ReplyRoutingTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Where(String text, boolean virtual) {
    }

    static Natrix natrix;
    static final CountDownLatch release = new CountDownLatch(1);
    static final CountDownLatch never = new CountDownLatch(1);
    static final AtomicInteger held = new AtomicInteger();

    @BeforeAll
    static void start() {
        natrix = TestNatrix.connect(nats);
        natrix.service("hook").version("1.0.0")
                .endpoint("Echo", byte[].class, bytes -> bytes)
                .endpoint("Where", String.class, text -> new Where(text, Thread.currentThread().isVirtual()))
                .endpoint("Unanswered", String.class, text -> {
                    never.await();
                    return text;
                })
                .endpoint("Held", String.class, text -> {
                    held.incrementAndGet();
                    release.await();
                    return new Where(text, Thread.currentThread().isVirtual());
                })
                .start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        never.countDown();
        natrix.close();
    }

    @Test
    void everyConcurrentCallerGetsItsOwnReplyAndNoWaiterIsLeftBehind() throws Exception {
        CallTimeouts timeouts = new CallTimeouts("test");
        ReplyRouter router = new ReplyRouter(((DefaultNatrix) natrix).core(), timeouts);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String body = "caller-" + i;
                answers.add(callers.submit(() -> new String(router.request("ms.hook.Echo", null,
                        body.getBytes(StandardCharsets.UTF_8), System.nanoTime() + 5_000_000_000L).get(5, TimeUnit.SECONDS).getData(),
                        StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo("caller-" + i);
            }
        }
        CompletableFuture<?> unanswered = router.request("ms.hook.Unanswered", null, "\"late\"".getBytes(StandardCharsets.UTF_8),
                System.nanoTime() + 5_000_000_000L);
        assertThatThrownBy(() -> unanswered.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        unanswered.cancel(false); // what Caller does when it is interrupted

        CompletableFuture<?> expiring = router.request("ms.hook.Unanswered", null, "\"late\"".getBytes(StandardCharsets.UTF_8),
                System.nanoTime() + 200_000_000L);
        assertThatThrownBy(() -> expiring.get(5, TimeUnit.SECONDS)).as("ended by its deadline, not by the wait")
                .hasCauseInstanceOf(TimeoutException.class);

        assertThat(router.pending()).as("waiters left after every answer, one given-up call and one expired").isZero();
        timeouts.close();
    }

    @Test
    void noRespondersStillFailsAtOnceThroughTheRouter() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> natrix.call("ms.nobody.Here", new byte[0], byte[].class, Duration.ofSeconds(5)))
                .isInstanceOf(NoRespondersException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void handlersRunOnVirtualThreadsWhetherFewOrManyAreInFlight() throws Exception {
        assertThat(natrix.call("ms.hook.Where", "quiet", Where.class, Duration.ofSeconds(5)).virtual())
                .as("one request: admitted on the reader thread, handled on a virtual thread").isTrue();

        int calls = 200; // more in flight than the reader admits itself: the rest go through the endpoint's admission
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Where>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String text = "busy-" + i;
                answers.add(callers.submit(() -> natrix.call("ms.hook.Held", text, Where.class, Duration.ofSeconds(10))));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(held.get()).as("every request admitted while all are held").isEqualTo(calls));
            release.countDown();
            for (int i = 0; i < calls; i++) {
                assertThat(answers.get(i).get()).isEqualTo(new Where("busy-" + i, true));
            }
        }
    }
}
