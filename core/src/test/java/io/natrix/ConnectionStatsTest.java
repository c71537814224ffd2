package io.natrix;

import io.natrix.testkit.NatsSecurity;

import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Both connections counted together: the calls of the core connection show, and a lost server says so. */
class ConnectionStatsTest {

    @Test
    void callsAreCountedAndALostServerIsNotConnected() {
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).drainTimeout(Duration.ofMillis(200)).connect()) {
            natrix.service("counted").endpoint("Echo", String.class, text -> text).start();
            ConnectionStats before = natrix.connectionStats();
            for (int i = 0; i < 10; i++) {
                assertThat(natrix.call("ms.counted.Echo", "x", String.class, Duration.ofSeconds(2))).isEqualTo("x");
            }
            // a reply is counted just after it is written: the caller may have it a moment before the count moves
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                ConnectionStats after = natrix.connectionStats();
                assertThat(after.connected()).isTrue();
                assertThat(after.messagesOut() - before.messagesOut()).as("10 requests and 10 replies").isGreaterThanOrEqualTo(20);
                assertThat(after.messagesIn() - before.messagesIn()).as("10 requests and 10 replies").isGreaterThanOrEqualTo(20);
            });

            server.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !natrix.connectionStats().connected());
        } finally {
            server.stop();
        }
    }
}
