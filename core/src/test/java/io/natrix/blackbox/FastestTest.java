package io.natrix.blackbox;

import io.natrix.CallTimeoutException;
import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FastestTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record Eta(String source, int seconds) {
    }

    static Natrix natrix;

    @BeforeAll
    static void startEstimators() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(3)).connect();
        estimator("Fast", 20);
        estimator("Accurate", 600);
        estimator("Thorough", 800);
        natrix.service("broken").endpoint("Estimate", String.class, trip -> {
            throw new ServiceException(422, "cannot estimate " + trip);
        }).start();
    }

    private static void estimator(String name, long millis) {
        natrix.service("eta-" + name.toLowerCase())
                .endpoint("Estimate", String.class, trip -> {
                    Thread.sleep(millis);
                    return new Eta(name, 300);
                }, EndpointOptions.defaults().subject("eta." + name))
                .start();
    }

    @AfterAll
    static void stop() {
        natrix.close();
    }

    @Test
    void theFastAnswerWinsInAboutTheFastResponderTime() {
        long started = System.nanoTime();
        Eta eta = natrix.fastest(List.of("eta.Accurate", "eta.Fast", "eta.Thorough"), "trip-1", Eta.class,
                Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(eta.source()).isEqualTo("Fast");
        assertThat(took).isLessThan(Duration.ofMillis(400));
    }

    @Test
    void allSlowerThanTheDeadlineTimesOutCleanly() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> natrix.fastest(List.of("eta.Accurate", "eta.Thorough"), "trip-2", Eta.class,
                Duration.ofMillis(150)))
                .isInstanceOfSatisfying(CallTimeoutException.class, e -> {
                    assertThat(e.subject()).hasValue("eta.Accurate|eta.Thorough");
                    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(150));
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void errorAnswersAreSkippedWhileAnotherCanStillSucceed() {
        Eta eta = natrix.fastest(List.of("ms.broken.Estimate", "eta.Accurate"), "trip-3", Eta.class,
                Duration.ofSeconds(2));
        assertThat(eta.source()).isEqualTo("Accurate");
    }

    @Test
    void whenEveryRequestFailsTheMostTellingFailureIsThrown() {
        assertThatThrownBy(() -> natrix.fastest(List.of("ms.nobody.Estimate", "ms.broken.Estimate"), "trip-4",
                Eta.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(422));
    }
}
