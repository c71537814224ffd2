package io.natrix.ride;

import io.natrix.EndpointStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.gateway.Gateway;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rider whose nearby stream carries only errors (no dispatch instance runs, so every poll is answered 503) is
 * counted as getting errors, by status, and no nearby update at all: the figures that rest on the simulator
 * cannot pass such a run off as a healthy one.
 */
class SimulatorCountsErrorsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @BeforeAll
    static void provision() {
        Provision.storage(nats, 1);
    }

    @Test
    void errorLinesOnTheNearbyStreamAreErrorsNeverUpdates() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             AutoCloseable users = RideRole.USERS.start(services, DispatchConfig.defaults(), 0);
             Gateway gateway = (Gateway) RideRole.GATEWAY.start(edge, DispatchConfig.defaults(), 0);
             Simulator simulator = new Simulator(new Simulator.Options(List.of("http://127.0.0.1:" + gateway.port()),
                     0, 3, 3_600, 12, Duration.ofSeconds(10)))) {
            simulator.start();
            Simulator.Window window = simulator.measure(Duration.ofSeconds(3));

            assertThat(window.ridersOnline()).as("signed up, their streams open").isEqualTo(3);
            assertThat(window.nearbyAnswers()).as("an error line is no update").isZero();
            assertThat(window.nearbyPerSecond()).isZero();
            assertThat(window.freshness().getTotalCount()).as("no answer, no freshness sample").isZero();
            assertThat(window.errors()).as("every poll of every rider failed").isGreaterThanOrEqualTo(6);
            assertThat(window.errorsByCause()).as("counted by the status the gateway wrote").containsKey("503");
            assertThat(window.errorCauses()).startsWith("503 ×");
            assertThat(window.lastError()).contains("nearby of").contains("503").contains("GET /v1/riders/{riderId}/nearby");
            assertThat(simulator.summary()).contains("0 nearby updates").contains("first of each: 503: nearby of");
        }
    }

    @Test
    void theAppsDoNotStartOnASystemThatDoesNotAnswerAndSayWhy() throws Exception {
        try (Natrix edge = connect();
             Gateway gateway = (Gateway) RideRole.GATEWAY.start(edge, DispatchConfig.defaults(), 0);
             Simulator simulator = new Simulator(new Simulator.Options(List.of("http://127.0.0.1:" + gateway.port()),
                     0, 1, 3_600, 12, Duration.ofSeconds(10)))) {
            // the ready check's rider signs up first: with no users service, that is what it says
            assertThatThrownBy(() -> simulator.awaitReady(Duration.ofSeconds(3)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the users service did not answer through http://127.0.0.1:" + gateway.port() + " within 3 s")
                    .hasMessageContaining("503");
            try (Natrix services = connect();
                 AutoCloseable users = RideRole.USERS.start(services, DispatchConfig.defaults(), 0)) {
                assertThatThrownBy(() -> simulator.awaitReady(Duration.ofSeconds(3)))
                        .as("users answers, dispatch does not")
                        .hasMessageContaining("http://127.0.0.1:" + gateway.port() + " did not answer nearby queries within 3 s")
                        .hasMessageContaining("503");
            }
        }
    }

    @Test
    void aDriverRefusedWhileGeoIsDownTriesAgainAndGetsOnlineOnceGeoIsUp() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             AutoCloseable users = RideRole.USERS.start(services, DispatchConfig.defaults(), 0);
             Gateway gateway = (Gateway) RideRole.GATEWAY.start(edge, DispatchConfig.defaults(), 0);
             Simulator simulator = new Simulator(new Simulator.Options(List.of("http://127.0.0.1:" + gateway.port()),
                     1, 0, 3_600, 12, Duration.ofSeconds(10)))) {
            simulator.start(); // returns once the driver has joined or its first try failed: no geo takes its availability
            assertThat(simulator.errors()).as("its five attempts refused, counted once as the app's error").isEqualTo(1);
            assertThat(simulator.summary()).contains("first of each: 503: driver ").contains("/availability");

            try (Service geo = (Service) RideRole.GEO.start(services, DispatchConfig.defaults(), 0)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                EndpointStats availability = setAvailability(geo);
                while (availability.requests() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    availability = setAvailability(geo);
                }
                assertThat(availability.requests()).as("the driver tried again after its pause, as an app does").isEqualTo(1);
                assertThat(availability.errors()).isZero();
            }
        }
    }

    private static EndpointStats setAvailability(Service geo) {
        return geo.snapshot().endpoints().stream().filter(e -> e.name().equals("SetAvailability")).findFirst().orElseThrow();
    }
}
