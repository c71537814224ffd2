package io.natrix;

import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three secured servers: their routes authenticate (a generated password) over TLS, JetStream elects a leader
 * among them, and a call from a client on one server reaches a service on another.
 */
class SecuredClusterTest {

    @TempDir
    Path dir;

    @Test
    void securedServersClusterAndCarryCallsAndStreams() throws Exception {
        NatsSecurity security = NatsSecurity.generate(dir, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        List<NatsServerProcess> cluster = NatsServerProcess.start(3, true, 0, security);
        try (Natrix service = Natrix.builder().servers(cluster.getFirst().url()).shutdownHook(false)
                     .drainTimeout(Duration.ofSeconds(1)).credentials(security.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect();
             Natrix caller = Natrix.builder().servers(cluster.getLast().url()).shutdownHook(false)
                     .credentials(security.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect()) {
            service.service("echo").endpoint("Say", String.class, words -> words).start();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> caller.call("ms.echo.Say", "across", String.class, Duration.ofSeconds(1)).equals("across"));
            caller.nats().jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("FARES")
                    .subjects("ms.fares.>").replicas(3).build());
            assertThat(caller.publishDurable("ms.fares.completed", Map.of("cents", 1200), "fare-1"))
                    .as("stored on a stream replicated over the secured routes").isTrue();
        } finally {
            cluster.forEach(NatsServerProcess::stop);
        }
    }
}
