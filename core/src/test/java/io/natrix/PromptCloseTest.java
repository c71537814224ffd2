package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection over TLS closes without waiting out jnats's reader: jnats gives its reader 1 s to stop before it
 * closes the socket, and its own socket cannot make a TLS reader stop, so each close took a second
 * ({@code io.natrix.jnats.PromptCloseDataPort}).
 */
class PromptCloseTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void fiveConnectionsOverTlsCloseInLessThanJnatsWouldWaitForTwo() {
        try (Natrix warm = connect()) {
            warm.publish("ms.warm.Up", "once"); // the first TLS handshake and close of this JVM happen here
        }
        long closing = 0;
        for (int i = 0; i < 5; i++) {
            Natrix natrix = connect();
            assertThat(natrix.nats().getConnectedUrl()).startsWith("tls://");
            long started = System.nanoTime();
            natrix.close();
            closing += System.nanoTime() - started;
        }
        System.out.printf("5 closes over TLS took %d ms in all%n", Duration.ofNanos(closing).toMillis());
        // jnats's own socket: 4.0 s here (a second for most closes); natrix's: 28-36 ms for the five
        assertThat(Duration.ofNanos(closing)).isLessThan(Duration.ofSeconds(2));
    }

    private static Natrix connect() {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }
}
