package io.natrix.testkit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Ports named in advance are chosen where no bind to port 0 is ever given one, and never twice by one process. */
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

    @Test
    void aPortChosenOnceIsNotChosenAgainBeforeItsProcessBindsIt() {
        // 600 ports drawn at random from ~22,000 would share one with near certainty (birthday bound: 1 - e^-8);
        // none is shared, though none of them is bound in between, as a demo's gateways are not when its nats-server's are chosen
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (int port : UnassignedPorts.choose(3)) {
                assertThat(seen.add(port)).as("port %d chosen twice", port).isTrue();
            }
        }
    }

    @Test
    void aTakenPortIsNotFree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(UnassignedPorts.free(taken.getLocalPort())).isFalse();
        }
    }
}
