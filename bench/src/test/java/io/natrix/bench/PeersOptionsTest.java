package io.natrix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeersOptionsTest {

    @Test
    void theControlIsAskedForAndKeepsTheOtherOptions() throws Exception {
        PeersBench.Options options = PeersBench.Options.parse(List.of("--only", "natrix call (byte[]),nats.go (reply", "--control",
                "--concurrency", "1", "--rounds", "5"));

        assertThat(options.control()).isTrue();
        assertThat(options.concurrency()).containsExactly(1);
        assertThat(options.rounds()).isEqualTo(5);
        assertThat(options.only()).containsExactly("natrix call (byte[])", "nats.go (reply");
        assertThat(options.toString()).contains("Go's inline pair measured twice (--control)");
        assertThat(options.includes(PeersBench.Peers.CONTROL)).as("whatever --only keeps").isTrue();
    }

    @Test
    void withoutTheOptionThereIsNoControl() throws Exception {
        PeersBench.Options options = PeersBench.Options.parse(List.of("--concurrency", "1"));

        assertThat(options.control()).isFalse();
        assertThat(options.includes(PeersBench.Peers.CONTROL)).isFalse();
        assertThat(options.toString()).doesNotContain("--control");
    }

    @Test
    void anUnknownOptionNamesTheControlAmongTheKnownOnes() {
        assertThatThrownBy(() -> PeersBench.Options.parse(List.of("--controls", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[--control]");
    }
}
