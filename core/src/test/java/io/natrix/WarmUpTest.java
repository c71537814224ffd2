package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A warm-up runs with the listeners subscribed and before any endpoint takes a request. */
class WarmUpTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void listenersHearEventsDuringTheWarmUpWhileEndpointsAreNotYetReachable() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (Natrix natrix = TestNatrix.connect(nats); Natrix other = TestNatrix.connect(nats)) {
            natrix.service("geo")
                    .broadcastListener("ms.geo.Tick", String.class, heard::add)
                    .endpoint("Nearby", String.class, point -> "warm: " + heard)
                    .beforeServing(() -> {
                        other.publish("ms.geo.Tick", "during warm-up");
                        other.nats().flush(Duration.ofSeconds(1));
                        assertThatThrownBy(() -> other.call("ms.geo.Nearby", "x", String.class, Duration.ofSeconds(1)))
                                .as("nobody serves before the warm-up ends").isInstanceOf(NoRespondersException.class);
                    })
                    .start();
            assertThat(other.call("ms.geo.Nearby", "x", String.class, Duration.ofSeconds(1))).isEqualTo("warm: [during warm-up]");
        }
    }

    @Test
    void aFailedWarmUpLeavesNothingSubscribed() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            assertThatThrownBy(() -> natrix.service("geo")
                    .broadcastListener("ms.geo.Tick", String.class, tick -> { })
                    .endpoint("Nearby", String.class, point -> "never")
                    .beforeServing(() -> {
                        throw new java.io.IOException("JetStream is not enabled");
                    })
                    .start())
                    .hasMessageContaining("failed to warm up: JetStream is not enabled");
            assertThat(natrix.gather("$SRV.PING.geo", "", String.class, Duration.ofMillis(200))).isEmpty();
        }
    }
}
