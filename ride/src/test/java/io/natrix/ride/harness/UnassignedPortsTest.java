package io.natrix.ride.harness;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateways' ports are chosen where no bind to port 0 (a nats-server's, a metrics server's) is ever given one. */
class UnassignedPortsTest {

    @Test
    void portsAreDistinctFreeAndBelowTheKernelsEphemeralRange() throws Exception {
        int[] ports = UnassignedPorts.choose(4);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(4);
        assertThat(Arrays.stream(ports).boxed().toList()).allSatisfy(port -> assertThat(port).isBetween(10000, UnassignedPorts.ephemeralLow() - 1));
        for (int port : ports) {
            try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aBindToPortZeroIsGivenAPortInTheRangeTheChoiceAvoids() throws Exception {
        try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(any.getLocalPort()).isGreaterThanOrEqualTo(UnassignedPorts.ephemeralLow());
        }
    }
}
