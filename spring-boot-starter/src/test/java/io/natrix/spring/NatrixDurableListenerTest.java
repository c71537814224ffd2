package io.natrix.spring;

import io.natrix.Natrix;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A durable listener bean on a real secured nats-server with JetStream: an event published while the application is
 * stopped is handled once it starts again, and a failed attempt comes back.
 */
class NatrixDurableListenerTest {

    @TempDir
    static Path dir;
    static NatsSecurity security;
    static NatsServerProcess server;
    static Natrix publisher;

    record RideCompleted(String rideId) {
    }

    /** Charges each ride; the first attempt at ride "r-fails-once" fails. */
    @NatrixService("billing")
    static class Billing {
        static final List<String> charged = new CopyOnWriteArrayList<>();
        static final AtomicInteger attempts = new AtomicInteger();

        @NatrixDurableListener(stream = "RIDES_DONE", subject = "ms.rides.done")
        void charge(RideCompleted ride) {
            if (ride.rideId().equals("r-fails-once") && attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("the payment provider did not answer");
            }
            charged.add(ride.rideId());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BillingApplication {
        @Bean
        Billing billing() {
            return new Billing();
        }
    }

    @BeforeAll
    static void start() {
        security = NatsSecurity.generate(dir.resolve("security"), Map.of(
                NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                // JetStream's API (it creates its stream and consumer), acknowledgements, dead letters; replies on its
                // own inbox, discovery
                "billing", NatsSecurity.User.allowing(List.of("$JS.API.>", "$JS.ACK.RIDES_DONE.>", "dlq.>"),
                        List.of("_INBOX_billing.>", "$SRV.*", "$SRV.*.billing", "$SRV.*.billing.*"))));
        server = NatsServerProcess.start(1, true, 0, security).getFirst();
        publisher = Natrix.builder().servers(server.url()).credentials(security.seed(NatsSecurity.ADMIN))
                .trust(security.ca()).shutdownHook(false).connect();
    }

    @AfterAll
    static void stop() {
        publisher.close();
        server.stop();
    }

    ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(NatrixAutoConfiguration.class))
                .withUserConfiguration(BillingApplication.class)
                .withPropertyValues("natrix.servers=" + server.url(), "natrix.credentials=" + security.seed("billing"),
                        "natrix.trust=" + security.ca(), "natrix.inbox-prefix=_INBOX_billing");
    }

    @Test
    void anEventStoredWhileTheApplicationWasStoppedIsHandledWhenItStartsAndAFailedAttemptComesBack() {
        application().run(context -> {
            assertThat(context).hasNotFailed();
            publisher.publishDurable("ms.rides.done", new RideCompleted("r1"), "r1-done");
            await().atMost(Duration.ofSeconds(10)).until(() -> Billing.charged.contains("r1"));
            assertThat(context.getBean(Natrix.class).permissionViolations()).isZero();
        });
        publisher.publishDurable("ms.rides.done", new RideCompleted("r-while-stopped"), "r-while-stopped-done");
        publisher.publishDurable("ms.rides.done", new RideCompleted("r-fails-once"), "r-fails-once-done");
        application().run(context -> {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    Billing.charged.containsAll(List.of("r-while-stopped", "r-fails-once")));
            assertThat(Billing.attempts).as("its first attempt failed, the second charged it").hasValue(2);
            assertThat(Billing.charged).as("each once").doesNotHaveDuplicates();
        });
    }
}
