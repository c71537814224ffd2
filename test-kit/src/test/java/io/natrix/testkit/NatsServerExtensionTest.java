package io.natrix.testkit;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatsServerExtensionTest {

    @Test
    void aSingleServerAcceptsConnectionsUntilStopped() throws Exception {
        NatsServerExtension nats = NatsServerExtension.single();
        long started = System.nanoTime();
        nats.beforeAll(null);
        System.out.printf("single server ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        String url = nats.url();
        try (Connection connection = Nats.connect(url)) {
            assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        } finally {
            nats.afterAll(null);
        }
        assertThatThrownBy(nats::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
        assertThatThrownBy(() -> Nats.connect(new Options.Builder().server(url).maxReconnects(0)
                .connectionTimeout(Duration.ofMillis(300)).build())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aClusterRoutesMessagesBetweenItsNodes() throws Exception {
        NatsServerExtension nats = NatsServerExtension.cluster(3);
        long started = System.nanoTime();
        nats.beforeAll(null);
        System.out.printf("3-node cluster ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        try (Connection first = Nats.connect(nats.servers().get(0).url());
             Connection last = Nats.connect(nats.servers().get(2).url())) {
            Subscription subscription = last.subscribe("routed");
            last.flush(Duration.ofSeconds(1));
            Duration waited = Duration.ZERO;
            // route interest travels asynchronously: publish until the subscriber on the other node sees one
            while (subscription.getDeliveredCount() == 0 && waited.compareTo(Duration.ofSeconds(5)) < 0) {
                first.publish("routed", "hello".getBytes(StandardCharsets.UTF_8));
                if (subscription.nextMessage(Duration.ofMillis(50)) != null) {
                    break;
                }
                waited = waited.plusMillis(50);
            }
            assertThat(subscription.getDeliveredCount()).isEqualTo(1);
            assertThat(nats.url().split(",")).hasSize(3);
        } finally {
            nats.afterAll(null);
        }
    }

    @Test
    void withJetStreamEachServerHasItsOwnStore() throws Exception {
        NatsServerExtension nats = NatsServerExtension.single().withJetStream();
        nats.beforeAll((ExtensionContext) null);
        try (Connection connection = Nats.connect(nats.url())) {
            assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
        } finally {
            nats.afterAll(null);
        }
    }

    @Test
    void killEndsTheServerAtOnceLikeACrash() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, false).getFirst();
        long pid = server.pid();
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
        server.kill();
        assertThat(server.running()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        server.kill();
        server.stop();
        assertThat(server.toString()).contains("stopped");
    }
}
