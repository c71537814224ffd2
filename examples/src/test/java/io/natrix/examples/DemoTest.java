package io.natrix.examples;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DemoTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void theDemoBalancesCallsAndBroadcastsEvents() {
        try (Demo demo = new Demo(nats.url(), nats.seed(), nats.ca())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> demo.servedBy().size() == Demo.INSTANCES
                    && demo.servedBy().values().stream().allMatch(n -> n >= 10));
            await().until(() -> demo.published() >= Demo.DRIVERS
                    && demo.heardByGeo().stream().allMatch(n -> n == demo.published()));
            assertThat(demo.callErrors()).isZero();
            assertThat(demo.status(Duration.ofSeconds(3))).contains("users#1").contains("geo#3");
        }
    }

    @Test
    void theDemoOwnsAndStopsItsServerWhenNoneIsGiven() {
        Demo demo = new Demo();
        String url = demo.url();
        assertThat(url).as("its own server, secured").startsWith("tls://").isNotEqualTo(nats.url());
        // a client without a key is refused while it runs, though it trusts the server's authority (this JVM's keys)
        assertThatThrownBy(() -> io.natrix.Natrix.builder().servers(url).trust(nats.ca()).shutdownHook(false)
                .natsOptions(o -> o.connectionTimeout(Duration.ofSeconds(2))).connect())
                .isInstanceOf(io.natrix.ConnectionException.class).hasMessageContaining("does not accept these credentials");
        demo.close();
        assertThatThrownBy(() -> io.natrix.Natrix.builder().servers(url)
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false)
                .natsOptions(o -> o.connectionTimeout(Duration.ofMillis(300))).connect())
                .isInstanceOf(io.natrix.ConnectionException.class);
    }

    @Test
    void demoOptionsSayWhatIsWrong() {
        assertThat(DemoOptions.parse("--smoke").duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(DemoOptions.parse("--nats", "nats://x:1", "--duration", "12s"))
                .isEqualTo(new DemoOptions("nats://x:1", null, null, Duration.ofSeconds(12), false));
        assertThat(DemoOptions.parse("--nats", "tls://x:1", "--creds", "a.nk", "--ca", "ca.pem").creds())
                .isEqualTo(java.nio.file.Path.of("a.nk"));
        assertThatThrownBy(() -> DemoOptions.parse("--nats", "tls://x:1", "--creds", "a.nk")).hasMessageContaining("both --creds and --ca");
        assertThatThrownBy(() -> DemoOptions.parse("--creds", "a.nk", "--ca", "ca.pem")).hasMessageContaining("--nats");
        assertThatThrownBy(() -> DemoOptions.parse("--port")).hasMessageContaining("unknown option --port");
        assertThatThrownBy(() -> DemoOptions.parse("--duration", "soon")).hasMessageContaining("takes seconds");
    }
}
