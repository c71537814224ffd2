package io.natrix.bench;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's wire prototype against a real nats-server: its numbers count what really went through. */
class WireClientTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void repliesComeBackToTheirCallersAndAFloodArrivesWhole() throws Exception {
        try (WireClient responder = WireClient.connect(nats.url(), "test-responder");
             WireClient listener = WireClient.connect(nats.url(), "test-listener");
             WireClient caller = WireClient.connect(nats.url(), "test-caller")) {
            responder.subscribe("wire.echo", "echo", (replyTo, data) -> responder.publish(replyTo, null, data));
            AtomicLong heard = new AtomicLong();
            listener.subscribe("wire.events", null, (replyTo, data) -> heard.incrementAndGet());
            responder.flush();
            listener.flush(); // the server knows both subscriptions once their PONGs came

            for (int i = 0; i < 1_000; i++) {
                byte[] sent = bytes("request " + i);
                assertThat(caller.request(bytes("wire.echo"), sent, TimeUnit.SECONDS.toNanos(5))).isEqualTo(sent);
            }
            byte[] payload = new byte[100]; // messages split across the reader's reads, and its buffer's end
            for (int i = 0; i < 200_000; i++) {
                caller.publish(bytes("wire.events"), null, payload);
            }
            caller.flush();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (heard.get() < 200_000 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            Thread.sleep(100); // and nothing more than was sent
            assertThat(heard).hasValue(200_000);
        }
    }
}
