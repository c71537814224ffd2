package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drivers that prefer WebSocket push their locations the same way: one JSON event per message, on the gateway's
 * port (Helidon, a thread per socket) and on its ingest port (an event loop) alike.
 */
class WebSocketIngestTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void eachMessageIsPublishedAsItArrivesAndABadOneIsAnsweredOnTheSocket(String which) throws Exception {
        try (Natrix natrix = Natrix.builder().servers(nats.url()).shutdownHook(false).connect();
             Gateway gateway = Gateway.builder(natrix).port(0).maxLineBytes(256).ingestPort(0)
                     .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint")).start()) {
            int port = which.equals("gateway") ? gateway.port() : gateway.ingestPort().orElseThrow();
            Subscription points = natrix.nats().subscribe("ms.geo.UpdatePoint");
            natrix.nats().flush(Duration.ofSeconds(1));
            LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/drivers/d5/locations"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            answers.add(data.toString());
                            webSocket.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 1);

            socket.sendText("{\"seq\":1,\"lat\":32.1}", true).get();
            Message first = points.nextMessage(Duration.ofSeconds(2));
            assertThat(first).as("published before the next message is sent").isNotNull();
            socket.sendText("{\"seq\": ", true).get();
            socket.sendText("{\"pad\":\"" + "x".repeat(300) + "\"}", true).get();
            socket.sendText("{\"seq\":", false).get();
            socket.sendText("2}", true).get(); // one event in two fragments

            JsonNode firstEvent = JSON.readTree(first.getData());
            JsonNode secondEvent = JSON.readTree(points.nextMessage(Duration.ofSeconds(2)).getData());
            assertThat(firstEvent.get("seq").asInt()).isEqualTo(1);
            assertThat(firstEvent.get("driverId").asText()).isEqualTo("d5");
            assertThat(secondEvent.get("seq").asInt()).isEqualTo(2);
            JsonNode malformed = JSON.readTree(answers.poll(2, TimeUnit.SECONDS));
            JsonNode tooLong = JSON.readTree(answers.poll(2, TimeUnit.SECONDS));
            assertThat(malformed.get("rejected").asInt()).isEqualTo(2);
            assertThat(malformed.get("reason").asText()).isEqualTo("not valid JSON");
            assertThat(tooLong.get("rejected").asInt()).isEqualTo(3);
            assertThat(tooLong.get("reason").asText()).isEqualTo("over 256 bytes");
            assertThat(answers).isEmpty();

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 0);
        }
    }
}
