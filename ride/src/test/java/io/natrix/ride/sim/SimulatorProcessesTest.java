package io.natrix.ride.sim;

import io.natrix.Natrix;
import io.natrix.gateway.TokenKeys;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulator as two processes against a real gateway with tokens: the fleet is shared out between them, a
 * window measured by both is added up (agents online, rates, answers, the freshness histograms), and closing
 * their stdin (what a parent's death does too) ends both processes by themselves.
 */
class SimulatorProcessesTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @TempDir
    static Path dir;

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void twoWorkersShareTheFleetAndTheirWindowsAddUp() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             RideStack stack = RideStack.services(services, DispatchConfig.defaults(), TokenKeys.reuse(dir.resolve("keys")))
                     .withGateway(edge, 0)) {
            List<Process> processes;
            try (SimulatorProcesses simulator = SimulatorProcesses.start(2, List.of("http://127.0.0.1:" + stack.port()),
                    List.of("-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"), dir)) {
                processes = simulator.workers();
                assertThat(simulator.processes()).hasSize(2).allMatch(ProcessHandle::isAlive);
                assertThat(simulator.share(5, 0)).isEqualTo(3);
                assertThat(simulator.share(5, 1)).isEqualTo(2);

                simulator.grow(5, 3);
                await().atMost(Duration.ofSeconds(30)).until(() -> simulator.counters().nearbyWithDrivers() >= 6);
                Simulator.Window window = simulator.measure(Duration.ofSeconds(3));

                assertThat(window.driversOnline()).as("3 in one process, 2 in the other").isEqualTo(5);
                assertThat(window.ridersOnline()).isEqualTo(3);
                assertThat(window.locationsPerSecond()).as("about one a second per driver").isBetween(3.5, 6.5);
                assertThat(window.nearbyAnswers()).as("about one a second per rider over 3 s").isBetween(6L, 14L);
                // one sample per answer, merged from both processes: an answer is counted and sampled as one
                // step, and a window is taken between two answers, never inside one
                assertThat(window.freshness().getTotalCount()).as("one sample per answer, merged")
                        .isEqualTo(window.nearbyAnswers());
                assertThat(window.errors()).as(window.lastError()).isZero();
                Simulator.Counters counters = simulator.counters();
                assertThat(counters.locationUpdates()).isGreaterThanOrEqualTo((long) (window.locationsPerSecond() * 3) - 1);
                assertThat(simulator.firstOfEach()).isEmpty();
            }
            assertThat(processes).as("each ended itself when its stdin closed: exit 0, neither halted (2) nor killed")
                    .allSatisfy(process -> assertThat(process.exitValue()).isZero());
        }
    }
}
