package io.natrix.ride.sim;

import io.natrix.Natrix;
import io.natrix.gateway.TokenKeys;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Simulated drivers and riders complete rides through the real HTTP API of two gateways. */
class SimulatorTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @TempDir
    static Path dir;

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void simulatedDriversAndRidersCompleteRidesThroughTwoGateways() throws Exception {
        TokenKeys keys = TokenKeys.reuse(dir.resolve("tokens"));
        try (Natrix services = connect();
             Natrix edgeA = connect();
             Natrix edgeB = connect();
             // both stacks with the same token keys, as the demo's: a token from one gateway's sign-up works on the other
             RideStack stack = RideStack.services(services, DispatchConfig.defaults().matchingWindow(Duration.ofSeconds(10)), keys)
                     .withGateway(edgeA, 0);
             RideStack second = RideStack.services(services, DispatchConfig.defaults(), keys).withGateway(edgeB, 0)) {
            Simulator.Options options = new Simulator.Options(List.of("http://127.0.0.1:" + stack.port(),
                    "http://127.0.0.1:" + second.port()), 20, 6, 1.0, 300, Duration.ofSeconds(14));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try (Simulator simulator = new Simulator(options)) {
                simulator.start();
                simulator.report(new PrintStream(printed, true, StandardCharsets.UTF_8), false);
                SimStats stats = simulator.stats();
                System.out.println(simulator.summary());
                assertThat(stats.driversOnline.get()).isEqualTo(20);
                assertThat(stats.ridersOnline.get()).isEqualTo(6);
                assertThat(stats.locationUpdates.sum()).isGreaterThan(150);
                assertThat(stats.ridesCompleted.sum()).as(simulator.summary()).isPositive();
                assertThat(stats.ridesAccepted.sum()).as("riders read their rides on their one (nearby) stream: "
                        + simulator.summary()).isPositive();
                assertThat(stats.errors.sum()).as(simulator.summary()).isZero();
                assertThat(stats.freshnessTotal().getValueAtPercentile(99)).as("nearby positions are recent").isLessThan(2_500);
            }
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("locations").contains("summary:");
        }
    }
}
