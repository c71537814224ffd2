package io.natrix.testkit;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        Options options = nats.options().maxReconnects(0).connectionTimeout(Duration.ofSeconds(5)).build();
        try (Connection connection = Nats.connect(options)) {
            assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        } finally {
            nats.afterAll(null);
        }
        assertThatThrownBy(nats::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
        assertThatThrownBy(() -> Nats.connect(options)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aServerIsSecuredUnlessAskedOpen() throws Exception {
        NatsServerExtension secured = NatsServerExtension.single();
        NatsServerExtension open = NatsServerExtension.single().open();
        secured.beforeAll(null);
        open.beforeAll(null);
        try {
            assertThat(secured.url()).startsWith("tls://");
            // an anonymous client over TLS, trusting the same authority, is refused: the server wants a user
            try (Connection admin = Nats.connect(secured.options().build())) {
                assertThat(admin.getStatus()).as("the same TLS settings with the admin's key").isEqualTo(Connection.Status.CONNECTED);
            }
            List<String> errors = new CopyOnWriteArrayList<>();
            Options anonymous = new Options.Builder().server(secured.url()).maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(2)).truststorePath(secured.ca().resolveSibling("truststore.p12").toString())
                    .truststorePassword("changeit".toCharArray())
                    .errorListener(new ErrorListener() {
                        @Override
                        public void errorOccurred(Connection connection, String error) {
                            errors.add(error);
                        }
                    }).build();
            assertThatThrownBy(() -> Nats.connect(anonymous)).isInstanceOf(Exception.class);
            assertThat(errors).as("what the server said").anyMatch(error -> error.contains("Authorization Violation"));
            assertThat(open.url()).startsWith("nats://");
            assertThatThrownBy(open::seed).isInstanceOf(IllegalStateException.class).hasMessageContaining("open");
            try (Connection connection = Nats.connect(open.url())) {
                assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        } finally {
            secured.afterAll(null);
            open.afterAll(null);
        }
    }

    @Test
    void aClusterRoutesMessagesBetweenItsNodes() throws Exception {
        NatsServerExtension nats = NatsServerExtension.cluster(3);
        long started = System.nanoTime();
        nats.beforeAll(null);
        System.out.printf("3-node cluster ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        try (Connection first = Nats.connect(adminOn(nats, 0));
             Connection last = Nats.connect(adminOn(nats, 2))) {
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
        try (Connection connection = Nats.connect(nats.options().build())) {
            assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
        } finally {
            nats.afterAll(null);
        }
    }

    @Test
    void killEndsTheServerAtOnceLikeACrash() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        long pid = server.pid();
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
        server.kill();
        assertThat(server.running()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        server.kill();
        server.stop();
        assertThat(server.toString()).contains("stopped");
    }

    /** A connection's options to node {@code node} alone, as the admin. */
    private static Options adminOn(NatsServerExtension nats, int node) {
        return nats.security().as(NatsSecurity.ADMIN, new Options.Builder().server(nats.servers().get(node).url())).build();
    }
}
