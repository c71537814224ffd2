package io.natrix;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deadline travels with every call: nested calls get at most what is left, late work is not started, loops end. */
class DeadlinesTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Ask(String what) {
    }

    record Budget(long remainingMillis, int depth) {
    }

    static Natrix natrix;
    static final AtomicInteger slowStarted = new AtomicInteger();
    static final CopyOnWriteArrayList<Budget> seenByInner = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).noCircuitBreaker()
                .drainTimeout(Duration.ofSeconds(1)).connect();
        natrix.service("inner").version("1.0.0")
                .endpoint("Budget", Ask.class, ask -> {
                    RequestContext context = RequestContext.current().orElseThrow();
                    Budget budget = new Budget(context.remaining().orElseThrow().toMillis(), context.depth());
                    seenByInner.add(budget);
                    return budget;
                })
                .endpoint("Slow", Ask.class, ask -> {
                    slowStarted.incrementAndGet();
                    Thread.sleep(2_000);
                    return ask;
                })
                .start();
        natrix.service("outer").version("1.0.0")
                // asks with a generous 10 s: the caller's own budget must win
                .endpoint("Budget", Ask.class, ask -> natrix.call("ms.inner.Budget", ask, Budget.class, Duration.ofSeconds(10)))
                .endpoint("Slow", Ask.class, ask -> natrix.call("ms.inner.Slow", ask, Ask.class, Duration.ofSeconds(10)))
                // calls itself: a loop the depth limit must end
                .endpoint("Loop", Ask.class, ask -> natrix.call("ms.outer.Loop", ask, Ask.class, Duration.ofSeconds(10)))
                .start();
    }

    @AfterAll
    static void stop() {
        natrix.close();
    }

    @Test
    void aNestedCallGetsAtMostTheCallersRemainingBudget() {
        Budget seen = natrix.call("ms.outer.Budget", new Ask("x"), Budget.class, Duration.ofMillis(800));

        assertThat(seen.remainingMillis()).as("the inner handler's time left").isPositive().isLessThanOrEqualTo(800);
        assertThat(seen.depth()).as("gateway → outer is depth 1, outer → inner depth 2").isEqualTo(2);
    }

    @Test
    void aSlowDependencyEndsTheWholeChainAtTheFirstCallersDeadline() {
        long started = System.nanoTime();

        // two timers end at the same moment: the caller's own (a CallTimeoutException), or the outer handler's
        // nested call, which got the caller's remaining budget and answers 504 a moment earlier; both are timeouts
        assertThatThrownBy(() -> natrix.call("ms.outer.Slow", new Ask("x"), Ask.class, Duration.ofMillis(300)))
                .satisfiesAnyOf(
                        e -> assertThat(e).isInstanceOf(CallTimeoutException.class),
                        e -> assertThat(e).isInstanceOfSatisfying(ServiceException.class,
                                answer -> assertThat(answer.code()).isEqualTo(504)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the inner call's 10 s")
                .isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void workWhoseDeadlineHasPassedIsNeverStarted() throws Exception {
        int before = slowStarted.get();
        Headers headers = new Headers().put("Natrix-Timeout", "0");

        Message reply = natrix.nats().request("ms.inner.Slow", headers, "{\"what\":\"late\"}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(2));

        assertThat(reply.getHeaders().getFirst("Nats-Service-Error-Code")).isEqualTo("504");
        assertThat(reply.getHeaders().getFirst("Nats-Service-Error")).contains("deadline passed").contains("nothing was done");
        assertThat(slowStarted.get()).as("the handler never ran").isEqualTo(before);
    }

    @Test
    void aCallFromAHandlerWithNoTimeLeftIsNotSent() {
        RequestContext spent = RequestContext.received(java.util.Map.of(), Duration.ZERO, 1);
        int before = seenByInner.size();

        assertThatThrownBy(() -> spent.call(() -> natrix.call("ms.inner.Budget", new Ask("x"), Budget.class, Duration.ofSeconds(1))))
                .isInstanceOfSatisfying(CallTimeoutException.class, e ->
                        assertThat(e.getMessage()).contains("was not sent").contains("deadline"));
        assertThat(seenByInner).hasSize(before);
    }

    @Test
    void servicesCallingEachOtherInALoopAreStoppedByTheDepthLimit() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> natrix.call("ms.outer.Loop", new Ask("x"), Ask.class, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(508);
                    assertThat(e.getMessage()).contains("calls deep").contains("loop");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aHandlerCanGiveItsWorkLessTimeThanItHas() {
        Budget seen = RequestContext.of(java.util.Map.of()).withDeadline(Duration.ofMillis(200))
                .call(() -> natrix.call("ms.inner.Budget", new Ask("x"), Budget.class, Duration.ofSeconds(5)));

        assertThat(seen.remainingMillis()).isLessThanOrEqualTo(200);
        assertThat(seen.depth()).isEqualTo(1);
    }
}
