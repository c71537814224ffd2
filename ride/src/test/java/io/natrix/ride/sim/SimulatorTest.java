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

    /**
     * The riders' apps open one after the other at the start, not in one instant: a system just started
     * answered the demo's 200 streams opened at once with timeouts.
     */
    @Test
    void ridersJoinPacedOneAfterTheOther() throws Exception {
        TokenKeys keys = TokenKeys.reuse(dir.resolve("tokens"));
        int riders = 10;
        try (Natrix services = connect();
             Natrix edge = connect();
             RideStack stack = RideStack.services(services, DispatchConfig.defaults(), keys).withGateway(edge, 0)) {
            Simulator.Options options = new Simulator.Options(List.of("http://127.0.0.1:" + stack.port()), 2, riders, 60, 10,
                    Duration.ofSeconds(1));
            try (Simulator simulator = new Simulator(options)) {
                long[] firstAndLast = new long[2];
                Thread watch = Thread.ofVirtual().start(() -> {
                    try {
                        while (simulator.stats().ridersOnline.get() < riders) {
                            if (firstAndLast[0] == 0 && simulator.stats().ridersOnline.get() > 0) {
                                firstAndLast[0] = System.nanoTime();
                            }
                            Thread.sleep(1);
                        }
                        firstAndLast[1] = System.nanoTime();
                    } catch (InterruptedException stopped) {
                        // the test gave up waiting
                    }
                });
                simulator.start();
                assertThat(watch.join(Duration.ofSeconds(30))).as("every rider online").isTrue();
                // 10 a second: the last joins at least 9/10 s after the first's sign-up began
                assertThat(Duration.ofNanos(firstAndLast[1] - firstAndLast[0]))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(800));
            }
        }
    }
}
