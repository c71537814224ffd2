package io.natrix.blackbox;

import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A NATS node dies: services and callers on it reconnect to the others and go on. */
class ClusterFailoverTest {

    @RegisterExtension
    static final NatsServerExtension cluster = NatsServerExtension.cluster(3);

    @Test
    void aServiceOnADeadNodeMovesToAnotherAndAnswersAgain() {
        List<String> urls = cluster.servers().stream().map(s -> s.url()).toList();
        String serviceFirst = String.join(",", urls);
        String callerFirst = String.join(",", urls.get(2), urls.get(1), urls.get(0));
        try (Natrix service = Natrix.builder().servers(serviceFirst)
                .credentials(cluster.seed()).trust(cluster.ca()).shutdownHook(false)
                     .natsOptions(o -> o.noRandomize()).connect();
             Natrix caller = Natrix.builder().servers(callerFirst)
                     .credentials(cluster.seed()).trust(cluster.ca()).shutdownHook(false)
                     .natsOptions(o -> o.noRandomize()).connect()) {
            service.service("users").endpoint("GetUser", String.class, id -> "user " + id).start();
            assertThat(service.nats().getConnectedUrl()).contains(":" + cluster.servers().getFirst().port());

            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> caller.call("ms.users.GetUser", "1", String.class, Duration.ofMillis(500)).equals("user 1"));

            long stopped = System.nanoTime();
            cluster.servers().getFirst().stop();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> caller.call("ms.users.GetUser", "2", String.class, Duration.ofMillis(500)).equals("user 2"));
            System.out.printf("calls answered again %d ms after the service's node died%n",
                    Duration.ofNanos(System.nanoTime() - stopped).toMillis());
            assertThat(service.nats().getConnectedUrl()).doesNotContain(":" + cluster.servers().getFirst().port());
        }
    }

    /**
     * A node that stops answering without closing anything (frozen, or its host gone without a reset): the
     * service's connection finds out from its unanswered pings (3, 2 s apart) and moves to another node; jnats's
     * default pings, 2 minutes apart, would have left it waiting for minutes.
     */
    @Test
    void aServiceOnAFrozenNodeFindsOutFromItsPingsAndMoves() {
        NatsServerProcess frozen = cluster.servers().get(1);
        List<String> urls = cluster.servers().stream().map(s -> s.url()).toList();
        try (Natrix service = Natrix.builder().servers(String.join(",", urls.get(1), urls.get(2), urls.get(0)))
                .credentials(cluster.seed()).trust(cluster.ca())
                     .shutdownHook(false).drainTimeout(Duration.ofSeconds(1)).natsOptions(o -> o.noRandomize()).connect();
             Natrix caller = Natrix.builder().servers(String.join(",", urls.get(2), urls.get(0)))
                     .credentials(cluster.seed()).trust(cluster.ca()).shutdownHook(false)
                     .natsOptions(o -> o.noRandomize()).connect()) {
            service.service("fares").endpoint("Quote", String.class, id -> "fare " + id).start();
            assertThat(service.nats().getConnectedUrl()).contains(":" + frozen.port());
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> caller.call("ms.fares.Quote", "1", String.class, Duration.ofMillis(500)).equals("fare 1"));

            long froze = System.nanoTime();
            frozen.freeze();
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> caller.call("ms.fares.Quote", "2", String.class, Duration.ofMillis(500)).equals("fare 2"));
                System.out.printf("calls answered again %d ms after the service's node froze%n",
                        Duration.ofNanos(System.nanoTime() - froze).toMillis());
                // jnats's connection (JetStream, KV) finds out from its own pings and moves too, its TLS handshake
                // a moment after natrix's own connection's (on jnats's own socket a second later: PromptCloseDataPort)
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> service.nats().getConnectedUrl() != null);
                System.out.printf("jnats's connection moved %d ms after the service's node froze%n",
                        Duration.ofNanos(System.nanoTime() - froze).toMillis());
                assertThat(service.nats().getConnectedUrl()).doesNotContain(":" + frozen.port());
            } finally {
                frozen.resume();
            }
        }
    }
}
