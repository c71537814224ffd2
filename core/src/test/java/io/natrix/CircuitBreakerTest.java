package io.natrix;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A dead dependency fails fast; a recovered one is called again; answers of any kind, timeouts of a
 * dependency that answers other calls meanwhile, and the late first answers of one that has just started do not
 * open the circuit.
 */
class CircuitBreakerTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Ask(String what) {
    }

    private static Natrix connect() {
        return builder().connect();
    }

    private static Natrix.Builder builder() {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(1))
                .circuitBreaker(CircuitBreakerConfig.from(CircuitBreakers.defaultConfig())
                        .waitDurationInOpenState(Duration.ofMillis(300)).build());
    }

    @Test
    void aDeadDependencyFailsFastThenIsCalledAgainOnceItIsBack() {
        try (Natrix natrix = connect()) {
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> natrix.call("ms.gone.Get", new Ask("x"), Ask.class, Duration.ofSeconds(1)))
                        .isInstanceOf(NoRespondersException.class);
            }

            assertThatThrownBy(() -> natrix.call("ms.gone.Get", new Ask("x"), Ask.class, Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                        assertThat(e.getMessage()).contains("ms.gone.Get").contains("100% of its recent calls found nobody to answer");
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(300));
                    });
            assertThat(natrix.circuitState("ms.gone.Get")).isEqualTo(CircuitState.OPEN);
            assertThat(natrix.circuitState("ms.other.Get")).as("not called yet").isEqualTo(CircuitState.CLOSED);
            assertThatThrownBy(() -> natrix.call("ms.other.Get", new Ask("x"), Ask.class, Duration.ofSeconds(1)))
                    .as("another subject has a circuit of its own: it is tried, not refused")
                    .isInstanceOf(NoRespondersException.class);
        }

        try (Natrix natrix = connect()) {
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> natrix.call("ms.back.Get", new Ask("x"), Ask.class, Duration.ofSeconds(1)))
                        .isInstanceOf(NoRespondersException.class);
            }
            natrix.service("back").version("1.0.0").endpoint("Get", Ask.class, ask -> ask).start();

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .ignoreException(CircuitOpenException.class).untilAsserted(() ->
                    assertThat(natrix.call("ms.back.Get", new Ask("y"), Ask.class, Duration.ofSeconds(1))).isEqualTo(new Ask("y")));
            for (int i = 0; i < 20; i++) {
                assertThat(natrix.call("ms.back.Get", new Ask("z"), Ask.class, Duration.ofSeconds(1))).isEqualTo(new Ask("z"));
            }
        }
    }

    @Test
    void errorAnswersAndOverloadsAreTheDependencyWorkingAndKeepTheCircuitClosed() {
        try (Natrix natrix = connect()) {
            natrix.service("picky").version("1.0.0")
                    .endpoint("Get", Ask.class, ask -> {
                        if (ask.what().equals("bug")) {
                            throw new IllegalStateException("a bug on one request"); // 500
                        }
                        throw new ServiceException(404, "no such thing");
                    }).start();
            for (int i = 0; i < 60; i++) {
                String what = i % 2 == 0 ? "bug" : "x";
                assertThatThrownBy(() -> natrix.call("ms.picky.Get", new Ask(what), Ask.class, Duration.ofSeconds(1)))
                        .isInstanceOf(ServiceException.class);
            }
            assertThat(natrix.circuitState("ms.picky.Get")).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void unavailableAndTimeoutAnswersOfADependencysOwnDependencyKeepTheCircuitClosed() {
        try (Natrix natrix = connect()) {
            natrix.service("front").version("1.0.0")
                    .endpoint("Get", Ask.class, ask -> {
                        throw new ServiceException(ask.what().equals("503") ? 503 : 504, "its own dependency is down");
                    }).start();
            for (int i = 0; i < 60; i++) {
                String what = i % 2 == 0 ? "503" : "504";
                assertThatThrownBy(() -> natrix.call("ms.front.Get", new Ask(what), Ask.class, Duration.ofSeconds(1)))
                        .isInstanceOf(ServiceException.class);
            }
            assertThat(natrix.circuitState("ms.front.Get")).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void timeoutsOfADependencyThatAnswersOtherCallsMeanwhileKeepTheCircuitClosed() {
        try (Natrix natrix = connect()) {
            natrix.service("busy").version("1.0.0")
                    .endpoint("Get", Ask.class, ask -> {
                        if (ask.what().equals("slow")) {
                            Thread.sleep(200); // a machine busy warming up: some calls miss their deadline
                        }
                        return ask;
                    }).start();
            for (int i = 0; i < 60; i++) {
                if (i % 3 == 0) {
                    assertThat(natrix.call("ms.busy.Get", new Ask("fast"), Ask.class, Duration.ofSeconds(1))).isEqualTo(new Ask("fast"));
                } else {
                    assertThatThrownBy(() -> natrix.call("ms.busy.Get", new Ask("slow"), Ask.class, Duration.ofMillis(20)))
                            .isInstanceOf(CallTimeoutException.class);
                }
            }
            assertThat(natrix.circuitState("ms.busy.Get"))
                    .as("two of three calls timed out, but it kept answering the others").isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void aDependencyThatHasJustStartedMayAnswerItsFirstCallsLateWithoutOpeningTheCircuit() {
        AtomicInteger asked = new AtomicInteger();
        try (Natrix natrix = connect()) {
            natrix.service("cold").version("1.0.0")
                    .endpoint("Get", Ask.class, ask -> {
                        if (asked.incrementAndGet() <= 30) {
                            Thread.sleep(500); // a JVM that has just started: loading classes, compiling
                        }
                        return ask;
                    }).start();
            for (int i = 0; i < 30; i++) {
                assertThatThrownBy(() -> natrix.call("ms.cold.Get", new Ask("x"), Ask.class, Duration.ofMillis(20)))
                        .isInstanceOf(CallTimeoutException.class);
            }
            assertThat(natrix.circuitState("ms.cold.Get"))
                    .as("30 timeouts, but within %s of the subject's first call", CircuitBreakers.FIRST_ANSWER_GRACE)
                    .isEqualTo(CircuitState.CLOSED);
            assertThat(natrix.call("ms.cold.Get", new Ask("warm"), Ask.class, Duration.ofSeconds(1))).isEqualTo(new Ask("warm"));
        }
    }

    @Test
    void aDependencyThatAnswersNothingOpensOnItsTimeoutsOnceItsFirstCallsGraceIsOver() {
        Duration grace = Duration.ofMillis(300);
        try (Natrix natrix = builder().firstAnswerGrace(grace).connect()) {
            natrix.service("stuck").version("1.0.0")
                    .endpoint("Get", Ask.class, ask -> {
                        Thread.sleep(500);
                        return ask;
                    }).start();
            long first = System.nanoTime();
            CircuitOpenException opened = null;
            for (int i = 0; i < 200 && opened == null; i++) {
                try {
                    natrix.call("ms.stuck.Get", new Ask("x"), Ask.class, Duration.ofMillis(20));
                } catch (CircuitOpenException e) {
                    opened = e;
                } catch (CallTimeoutException expected) {
                    // counted once the grace is over
                }
            }
            assertThat(opened).as("the circuit opened within 200 calls").isNotNull();
            assertThat(opened.getMessage()).contains("'ms.stuck.Get' is failing fast")
                    .as("its instance is there: the calls went unanswered, they did not find nobody")
                    .contains("100% of its recent calls went unanswered").doesNotContain("found nobody");
            assertThat(Duration.ofNanos(System.nanoTime() - first))
                    .as("opened only once the grace was over").isGreaterThanOrEqualTo(grace);
        }
    }

    @Test
    void aProbingCircuitSaysSoAndNeverQuotesANegativeRate() {
        assertThat(new CircuitOpenException("ms.x.Get", true, -1, Duration.ofSeconds(2), false).getMessage())
                .isEqualTo("'ms.x.Get' is failing fast while a few probe calls find out whether it is back; trying again in about 2000 ms");
        assertThat(new CircuitOpenException("ms.x.Get", false, -1, Duration.ofSeconds(2), false).getMessage())
                .contains("most of its recent calls").doesNotContain("-1");
    }

    @Test
    void circuitBreakingCanBeTurnedOff() {
        try (Natrix natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).noCircuitBreaker().connect()) {
            for (int i = 0; i < 30; i++) {
                assertThatThrownBy(() -> natrix.call("ms.gone.Get", new Ask("x"), Ask.class, Duration.ofSeconds(1)))
                        .isInstanceOf(NoRespondersException.class);
            }
            assertThat(natrix.circuitState("ms.gone.Get")).isEqualTo(CircuitState.OFF);
        }
        assertThatThrownBy(() -> Natrix.builder().circuitBreaker(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("noCircuitBreaker()");
    }
}
